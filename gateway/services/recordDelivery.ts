/**
 * Records one delivery status change of an outbox message (worker results, DSN bounces, SMS
 * delivery reports) and what follows from it: a contact that does not receive becomes
 * `contact_failing` in the register, the letter falls back to paper (the office sees it in the
 * delivery feed) and the resident is warned on the other channel; a failing contact that
 * delivers again is `contact_restored`.
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray, ne } from "drizzle-orm";
import { rawStatement } from "../../db/client.ts";
import { contacts, deliveries, outbox } from "../../db/schema/index.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import type { Category, CategoryChannels, ElectronicChannel } from "../domain/categories.ts";
import { isLetter } from "../domain/categories.ts";
import { carriesRejectionReason } from "../domain/rejectionNotice.ts";
import { KioskError } from "../errors.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { headsUpText } from "../messaging/templates/headsUp.ts";
import type { ConsentRegister } from "./register.ts";

export type DeliveryStatus = "queued" | "sent" | "delivered" | "failed" | "paper";

export interface DeliveryChange {
  /** The outbox id (= email Message-ID local part = gammu CreatorID). */
  messageId: string;
  status: DeliveryStatus;
  /** Why (SMTP reply, DSN diagnostic, gammu status); shown to the office. */
  reason?: string;
  /**
   * The address/number itself does not receive: SMTP 550/552/553, DSN 5.1.x/5.2.x,
   * SMS DeliveryFailed (or pending too long, repeatedly). Only meaningful with `failed`.
   */
  contactFailing?: boolean;
  /** The channel's own id (SMTP queue id, gammu message id). */
  externalId?: string;
}

export interface DeliveryOutcome {
  /** False when the change repeated the message's current state (nothing written). */
  recorded: boolean;
  /** The letter went to paper. */
  paper: boolean;
  /** Register events appended (contact_failing / contact_restored). */
  events: number[];
  /** Heads-up messages enqueued on the other channel. */
  headsUp: string[];
}

export type RecordDeliveryDeps = Pick<CoreDeps, "clock" | "config" | "logger"> & {
  /** The database, or the caller's transaction (the change then commits with it). */
  db: DbOrTx;
  register: ConsentRegister;
  /** Wakes the outbox workers after a heads-up was enqueued. */
  poke?: () => void;
};

type OutboxRow = typeof outbox.$inferSelect;

const ORDER: Record<string, number> = { pending: 0, sending: 0, sent: 1, delivered: 2, failed: 3, paper: 4 };

/**
 * The verb. Runs in its own transaction (a savepoint when `deps.db` is already a transaction),
 * so the register event, the contact health, the paper fallback and the heads-up commit together.
 */
export function recordDelivery(deps: RecordDeliveryDeps, change: DeliveryChange): DeliveryOutcome {
  const outcome = deps.db.transaction((tx) => apply(tx, deps, change));
  if (outcome.headsUp.length > 0) deps.poke?.();
  return outcome;
}

const MARK_SENT = `UPDATE outbox SET status = 'sent', lease_owner = NULL, lease_until = NULL, updated_at = ?1,
  external_id = coalesce(?2, external_id)
  WHERE id = ?3 AND status IN ('pending', 'sending')`;
const FAILING_EMAILS = "SELECT value FROM contacts WHERE kind = 'email' AND health <> 'ok'";
const INSERT_SENT_DELIVERY =
  "INSERT INTO deliveries (message_id, correspondence_id, channel, status, reason, at) VALUES (?, ?, ?, 'sent', NULL, ?)";

/** A message the channel accepted, with the columns of its outbox row the delivery record repeats. */
export interface SentItem {
  messageId: string;
  externalId?: string;
  channel: "email" | "sms";
  correspondenceId: string | null;
}

/**
 * The same verb for a batch of "sent" results (the workers' group commit): a few statements
 * for the whole batch instead of a few per message. Same rules: only pending/sending rows
 * become sent, each gets one delivery record, a failing email address that accepted mail again
 * is restored. Returns how many were recorded.
 *
 * The caller holds the rows (the worker claimed them), so the UPDATE reads nothing back: it
 * reports whether it changed the row, and the delivery record takes channel and correspondence
 * from the item (RETURNING cost about a third more per message; bench/email.ts).
 */
export function recordSent(deps: RecordDeliveryDeps, items: SentItem[]): number {
  if (items.length === 0) return 0;
  return deps.db.transaction((tx) => {
    const at = deps.clock.now().toISOString();
    // Raw statements, compiled once per connection: this runs for every group commit, and
    // building the same drizzle queries there cost more than executing them (bench/email.ts).
    const markSent = rawStatement(tx, MARK_SENT);
    const insertDelivery = rawStatement(tx, INSERT_SENT_DELIVERY);
    const changed: SentItem[] = [];
    for (const item of items) {
      if (markSent.run(at, item.externalId ?? null, item.messageId).changes !== 1) continue;
      insertDelivery.run(item.messageId, item.correspondenceId, item.channel, at);
      changed.push(item);
    }
    if (changed.some((r) => r.channel === "email")) {
      // SMTP acceptance restores a failing address; failing addresses are few, so look them up first.
      const failing = new Set((rawStatement(tx, FAILING_EMAILS).values() as string[][]).map(([value]) => value));
      if (failing.size > 0) {
        const ids = changed.filter((r) => r.channel === "email").map((r) => r.messageId);
        const outcome: DeliveryOutcome = { recorded: true, paper: false, events: [], headsUp: [] };
        for (const row of tx.select().from(outbox).where(inArray(outbox.id, ids)).all()) {
          if (failing.has(row.recipient)) markRestored(tx, deps, row, at, outcome);
        }
      }
    }
    return changed.length;
  });
}

function apply(tx: DbOrTx, deps: RecordDeliveryDeps, change: DeliveryChange): DeliveryOutcome {
  const row = tx.select().from(outbox).where(eq(outbox.id, change.messageId)).get();
  if (!row) throw new KioskError("NOT_FOUND", `no outbox message ${change.messageId}`);
  const now = deps.clock.now().toISOString();
  const outcome: DeliveryOutcome = { recorded: false, paper: false, events: [], headsUp: [] };

  if (change.status !== "queued") {
    // Repeats (a DSN read twice, a report polled twice) and regressions (a late "sent" after
    // "delivered") change nothing; a bounce after "sent"/"delivered" is a real change.
    if (row.status === change.status) return outcome;
    if (change.status !== "failed" && ORDER[change.status] < ORDER[row.status]) return outcome;
    if (row.status === "paper") return outcome;
  } else {
    const queued = tx
      .select({ seq: deliveries.seq })
      .from(deliveries)
      .where(and(eq(deliveries.messageId, row.id), eq(deliveries.status, "queued")))
      .get();
    if (queued) return outcome;
  }

  outcome.recorded = true;
  insertDelivery(tx, row, change.status === "paper" ? "paper" : row.channel, change.status, change.reason ?? null, now);
  if (change.status !== "queued") {
    tx.update(outbox)
      .set({
        status: change.status,
        leaseOwner: null,
        leaseUntil: null,
        updatedAt: now,
        ...(change.externalId ? { externalId: change.externalId } : {}),
        ...(change.status === "failed" || change.status === "paper" ? { lastError: change.reason ?? null } : {}),
      })
      .where(eq(outbox.id, row.id))
      .run();
  }

  if (change.status === "failed") {
    if (change.contactFailing) markFailing(tx, deps, row, change.reason ?? "failed", now, outcome);
    if (needsPaper(tx, deps, row)) {
      fallBackToPaper(tx, row, `${row.channel}_failed: ${change.reason ?? "failed"}`, now);
      outcome.paper = true;
    }
  } else if (change.status === "paper") {
    outcome.paper = true;
  } else if (change.status === "delivered" || (change.status === "sent" && row.channel === "email")) {
    // SMTP acceptance is the best proof of an email address we get; for SMS only the report counts.
    markRestored(tx, deps, row, now, outcome);
  }
  return outcome;
}

function insertDelivery(
  tx: DbOrTx,
  row: OutboxRow,
  channel: "email" | "sms" | "paper",
  status: DeliveryStatus,
  reason: string | null,
  at: string,
): void {
  tx.insert(deliveries)
    .values({ messageId: row.id, correspondenceId: row.correspondenceId, channel, status, reason, at })
    .run();
}

function fallBackToPaper(tx: DbOrTx, row: OutboxRow, reason: string, at: string): void {
  insertDelivery(tx, row, "paper", "paper", reason, at);
  tx.update(outbox).set({ status: "paper", updatedAt: at }).where(eq(outbox.id, row.id)).run();
}

/**
 * A failed letter must reach the person on paper. An email letter always falls back; an SMS
 * copy only when the category is a letter and no email copy of it is still on its way.
 */
function needsPaper(tx: DbOrTx, deps: RecordDeliveryDeps, row: OutboxRow): boolean {
  if (carriesRejectionReason(row)) return true; // the office's reason must reach the resident
  if (!row.correspondenceId || row.kind === "otp" || row.kind === "heads_up") return false;
  if (row.channel === "email") return true;
  const table = deps.config.rules.categoryChannels as CategoryChannels;
  if (!row.category || !(row.category in table) || !isLetter(table, row.category as Category)) return false;
  const emailCopy = tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.correspondenceId, row.correspondenceId),
        eq(outbox.channel, "email"),
        inArray(outbox.status, ["pending", "sending", "sent", "delivered"]),
      ),
    )
    .get();
  return !emailCopy;
}

const contactKind = (channel: ElectronicChannel) => (channel === "email" ? "email" : "mobile");

function setContactHealth(
  tx: DbOrTx,
  channel: ElectronicChannel,
  value: string,
  health: "ok" | "failing",
  reason: string | null,
  at: string,
): void {
  tx.insert(contacts)
    .values({ id: randomUUID(), kind: contactKind(channel), value, health, healthReason: reason, updatedAt: at })
    .onConflictDoUpdate({
      target: [contacts.kind, contacts.value],
      set: { health, healthReason: reason, updatedAt: at },
    })
    .run();
}

/** Flats whose current consent uses this contact on this channel. */
function flatsUsing(deps: RecordDeliveryDeps, channel: ElectronicChannel, contact: string) {
  return [...deps.register.allStates().values()].filter(
    (s) => s.channels[channel].consented && (channel === "email" ? s.email : s.mobile) === contact,
  );
}

function markFailing(
  tx: DbOrTx,
  deps: RecordDeliveryDeps,
  row: OutboxRow,
  reason: string,
  at: string,
  outcome: DeliveryOutcome,
): void {
  const channel = row.channel;
  setContactHealth(tx, channel, row.recipient, "failing", reason, at);
  if (!deps.register.status.ok) {
    deps.logger.error(
      { messageId: row.id, channel },
      "contact failing, but the register is broken: event not appended",
    );
    return;
  }
  for (const flat of flatsUsing(deps, channel, row.recipient)) {
    if (flat.channels[channel].health === "failing") continue;
    const event = deps.register.append(
      tx,
      { type: "contact_failing", payload: { channel, contact: row.recipient, reason } },
      flat.flatCode,
      flat.designatedRecipient,
      at,
    );
    outcome.events.push(event.seq);
    deps.logger.warn({ flatCode: flat.flatCode, channel, reason, seq: event.seq }, "contact failing");

    const other: ElectronicChannel = channel === "email" ? "sms" : "email";
    const otherAddress = other === "email" ? flat.email : flat.mobile;
    if (flat.channels[other].consented && otherAddress && flat.channels[other].health !== "failing") {
      const text = headsUpText(channel, row.recipient, deps.config);
      outcome.headsUp.push(
        enqueueMessage(tx, deps.clock, {
          id: `headsup-${event.seq}-${other}`,
          channel: other,
          kind: "heads_up",
          recipient: otherAddress,
          subject: text.subject,
          text: text.text,
          flatCode: flat.flatCode,
        }),
      );
    }
  }
}

function markRestored(tx: DbOrTx, deps: RecordDeliveryDeps, row: OutboxRow, at: string, outcome: DeliveryOutcome) {
  const channel = row.channel;
  const known = tx
    .select({ health: contacts.health })
    .from(contacts)
    .where(and(eq(contacts.kind, contactKind(channel)), eq(contacts.value, row.recipient), ne(contacts.health, "ok")))
    .get();
  if (!known) return;
  setContactHealth(tx, channel, row.recipient, "ok", null, at);
  if (!deps.register.status.ok) return;
  for (const flat of flatsUsing(deps, channel, row.recipient)) {
    if (flat.channels[channel].health !== "failing") continue;
    const event = deps.register.append(
      tx,
      { type: "contact_restored", payload: { channel, contact: row.recipient } },
      flat.flatCode,
      flat.designatedRecipient,
      at,
    );
    outcome.events.push(event.seq);
    deps.logger.info({ flatCode: flat.flatCode, channel, seq: event.seq }, "contact restored");
  }
}
