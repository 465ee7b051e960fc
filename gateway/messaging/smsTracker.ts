/**
 * Follows SMS handed to the modem until a final state and reports each change once:
 * delivered / failed through recordDelivery; "pending past `sms.deliveryPendingMinutes`"
 * marks the number at risk (SMS inbox full or phone off) and, after
 * `sms.pendingRepeatsToFailing` such messages in a row, failing. Also takes incoming SMS.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { outbox, smsMessages } from "../../db/schema/index.ts";
import type { ModemMessageStatus, SmsModem } from "../../drivers/modem/types.ts";
import type { CoreDeps } from "../deps.ts";
import { handleIncomingSms } from "../services/handleIncomingSms.ts";
import { markContactAtRisk } from "../services/markContactAtRisk.ts";
import { type DeliveryChange, recordDelivery } from "../services/recordDelivery.ts";
import type { ConsentRegister } from "../services/register.ts";
import { prepareSms } from "./smsEncoding.ts";
import type { SmsSender } from "./smsSender.ts";

export type TrackerDeps = CoreDeps & { register: ConsentRegister; poke?: () => void };

type Row = typeof smsMessages.$inferSelect;
type State = Row["state"];

export interface TrackerEvent {
  messageId: string;
  state: State;
  reason?: string;
}

const OPEN: State[] = ["queued", "sent", "pending_long"];

export class SmsTracker {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;
  private readonly listeners = new Set<(event: TrackerEvent) => void>();

  constructor(
    private readonly deps: TrackerDeps,
    private readonly modem: SmsModem,
    private readonly sender?: SmsSender,
  ) {}

  /** Every reported state change (tests and the bench listen here). */
  onChange(listener: (event: TrackerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(pollMs: number): void {
    this.timer ??= setInterval(() => void this.tick(), pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: statuses, then incoming. Passes never overlap. */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      this.storeTracked();
      await this.followStatuses();
      await this.takeIncoming();
    } catch (err) {
      this.deps.logger.warn({ err }, "sms tracker pass failed");
    }
  }

  /**
   * Stores what the sender handed over (one transaction), and rebuilds tracking rows for SMS the
   * worker recorded as sent but this process never stored (it died in between).
   */
  private storeTracked(): void {
    const fresh = this.sender?.takeTracked() ?? [];
    const { maxParts, transliterateLong } = this.deps.config.sms;
    this.deps.db.transaction((tx) => {
      for (const row of fresh)
        tx.insert(smsMessages).values(row).onConflictDoNothing({ target: smsMessages.outboxId }).run();
      const orphans = tx
        .select({
          id: outbox.id,
          kind: outbox.kind,
          recipient: outbox.recipient,
          payload: outbox.payload,
          externalId: outbox.externalId,
          updatedAt: outbox.updatedAt,
        })
        .from(outbox)
        .leftJoin(smsMessages, eq(smsMessages.outboxId, outbox.id))
        .where(
          and(
            eq(outbox.channel, "sms"),
            eq(outbox.status, "sent"),
            isNotNull(outbox.externalId),
            isNull(smsMessages.outboxId),
          ),
        )
        .limit(500)
        .all();
      for (const o of orphans) {
        const prepared = prepareSms(JSON.parse(o.payload).text ?? "", o.kind, { maxParts, transliterateLong });
        tx.insert(smsMessages)
          .values({
            outboxId: o.id,
            driver: this.modem.kind,
            externalId: o.externalId ?? "",
            recipient: o.recipient,
            encoding: prepared.ok ? prepared.encoding : "UCS-2",
            parts: prepared.ok ? prepared.segments : 1,
            state: "queued",
            injectedAt: o.updatedAt,
            updatedAt: o.updatedAt,
          })
          .onConflictDoNothing({ target: smsMessages.outboxId })
          .run();
      }
    });
  }

  private async followStatuses(): Promise<void> {
    const rows = this.deps.db
      .select()
      .from(smsMessages)
      .where(and(inArray(smsMessages.state, OPEN), eq(smsMessages.driver, this.modem.kind)))
      .orderBy(asc(smsMessages.injectedAt))
      .limit(500)
      .all();
    if (rows.length === 0) return;
    const statuses = await this.modem.statusOf(rows.map((r) => r.externalId));
    for (const row of rows) {
      const status = statuses.get(row.externalId);
      if (status) this.apply(row, status);
    }
  }

  private nextState(row: Row, status: ModemMessageStatus, nowMs: number): State {
    switch (status.state) {
      case "delivered":
        return "delivered";
      case "failed":
        return "failed";
      case "queued":
      case "unknown":
        return row.state;
      default: {
        const since = Date.parse(row.sentAt ?? status.at ?? row.injectedAt);
        const limit = this.deps.config.sms.deliveryPendingMinutes * 60_000;
        return nowMs - since > limit ? "pending_long" : "sent";
      }
    }
  }

  private apply(row: Row, status: ModemMessageStatus): void {
    const now = this.deps.clock.now();
    const nowIso = now.toISOString();
    const state = this.nextState(row, status, now.getTime());
    if (state === row.state) return;
    const final = state === "delivered" || state === "failed";
    this.deps.db
      .update(smsMessages)
      .set({
        state,
        reason: status.reason ?? row.reason,
        sentAt: row.sentAt ?? (state !== "queued" ? (status.at ?? nowIso) : null),
        finalAt: final ? nowIso : row.finalAt,
        updatedAt: nowIso,
      })
      .where(eq(smsMessages.outboxId, row.outboxId))
      .run();
    this.report({ ...row, state }, status.reason);
  }

  private report(row: Row, reason: string | undefined): void {
    if (row.state === row.reportedState || row.state === "sent" || row.state === "queued") return;
    const nowIso = this.deps.clock.now().toISOString();
    const known = this.deps.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.id, row.outboxId)).get();
    let change: DeliveryChange | null = null;
    if (row.state === "delivered")
      change = { messageId: row.outboxId, status: "delivered", externalId: row.externalId };
    else if (row.state === "failed") {
      change = {
        messageId: row.outboxId,
        status: "failed",
        reason: `sms ${reason ?? "failed"}`,
        contactFailing: reason === "delivery_failed",
        externalId: row.externalId,
      };
    } else if (row.state === "pending_long") {
      const repeats = this.pendingInARow(row.recipient);
      if (repeats >= this.deps.config.sms.pendingRepeatsToFailing) {
        change = {
          messageId: row.outboxId,
          status: "failed",
          reason: `sms pending for ${this.deps.config.sms.deliveryPendingMinutes} min, ${repeats} times in a row (SMS inbox full or phone off)`,
          contactFailing: true,
          externalId: row.externalId,
        };
      } else {
        markContactAtRisk(this.deps.db, { kind: "mobile", value: row.recipient }, "sms_pending_long", nowIso);
        this.deps.logger.warn({ messageId: row.outboxId, repeats }, "sms pending too long: number at risk");
      }
    }
    if (change && known) {
      try {
        recordDelivery({ ...this.deps, poke: this.deps.poke }, change);
      } catch (err) {
        this.deps.logger.warn({ err, messageId: row.outboxId }, "recording an SMS delivery failed");
        return;
      }
    }
    this.deps.db
      .update(smsMessages)
      .set({ reportedState: row.state })
      .where(eq(smsMessages.outboxId, row.outboxId))
      .run();
    for (const listener of this.listeners) listener({ messageId: row.outboxId, state: row.state, reason });
  }

  /** The recipient's latest messages that went pending too long, back to the last delivered one. */
  private pendingInARow(recipient: string): number {
    const recent = this.deps.db
      .select({ state: smsMessages.state })
      .from(smsMessages)
      .where(eq(smsMessages.recipient, recipient))
      .orderBy(desc(smsMessages.injectedAt))
      .limit(50)
      .all();
    let count = 0;
    for (const r of recent) {
      if (r.state === "delivered") break;
      if (r.state === "pending_long") count++;
    }
    return count;
  }

  private async takeIncoming(): Promise<void> {
    const incoming = await this.modem.readIncoming(20);
    for (const sms of incoming) {
      handleIncomingSms(this.deps, sms);
      await this.modem.ackIncoming(sms.key);
    }
  }
}
