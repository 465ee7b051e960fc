/**
 * Push sync for a gateway behind NAT: three streams to the office (`office.url`), the kiosk's key
 * set, register events and delivery changes, each in order, in batches, signed (kiosk id
 * included), each with its own backoff and health line (pushStream.ts). Bodies and answers follow
 * pushContract.ts, the schemas the OpenAPI `webhooks` are generated from; an answer that breaks
 * them is a failure, never a cursor. The office's head is authoritative: a lost answer only
 * causes a resend the office recognises, and an office behind the cursor (it lost data) is
 * refilled from its head. An idle stream asks for that head every `office.pushHeadCheckMs`.
 */
import { eq, max } from "drizzle-orm";
import { registerEvents, syncCursors } from "../../db/schema/index.ts";
import type { GatewayContext } from "../context.ts";
import { rejectionNoticeOf } from "../domain/rejectionNotice.ts";
import type { PartHealth, PartStatus } from "../health.ts";
import { kioskKeySet } from "../receipts/kioskKey.ts";
import { listDeliveries } from "../services/listDeliveries.ts";
import { listRegisterEvents } from "../services/listRegisterEvents.ts";
import { type LetterPostDetails, letterPostDetails, rejectionNoticePostDetails } from "../services/postDetails.ts";
import { readCursor, writeCursor } from "./officeCopy.ts";
import { type DeliveriesPushBody, kioskKeysPushBodySchema, type PushStreamName } from "./pushContract.ts";
import { postToOffice } from "./pushPost.ts";
import { IDLE, PushFailure, PushStream, type Round } from "./pushStream.ts";
import { sha256Hex } from "./signing.ts";

export const EVENTS_CURSOR = "push:register_events";
export const DELIVERIES_CURSOR = "push:deliveries";
/** Holds the SHA-256 of the last kiosk key set the office acknowledged. */
export const KIOSK_KEYS_CURSOR = "push:kiosk_keys";

type PushDeps = Pick<GatewayContext, "db" | "clock" | "config" | "logger" | "register" | "clockSynchronized">;

const RANK: Record<PartStatus, number> = { ok: 0, not_configured: 0, degraded: 1, down: 2 };

export class OfficePush {
  private readonly target: URL;
  private readonly key: { keyId: string; secret: string };
  private readonly streams: Record<PushStreamName, PushStream>;
  /** performance.now() of each stream's last answered request, for the idle head check. */
  private readonly lastContact: Record<PushStreamName, number> = {
    kioskKeys: Number.NEGATIVE_INFINITY,
    registerEvents: Number.NEGATIVE_INFINITY,
    deliveries: Number.NEGATIVE_INFINITY,
  };
  /** The key set goes once per start even when unchanged, and again when the office lost data. */
  private resendKeys = true;

  constructor(private readonly deps: PushDeps) {
    const { url, keyId, secret } = deps.config.office;
    if (!url || !keyId || !secret) throw new Error("office.url, office.keyId and office.secret are all needed to push");
    this.target = new URL(url.endsWith("/") ? url : `${url}/`);
    this.key = { keyId, secret };
    const { pushIntervalMs, pushBackoffBaseMs, pushBackoffMaxMs } = deps.config.office;
    const options = {
      intervalMs: pushIntervalMs,
      backoffBaseMs: pushBackoffBaseMs,
      backoffMaxMs: pushBackoffMaxMs,
      now: () => deps.clock.now(),
      clockSynchronized: deps.clockSynchronized,
      onFailure: (stream: string, f: { reason: string; message: string; failures: number; retryInMs: number }) =>
        deps.logger.warn(
          { stream, reason: f.reason, err: f.message, failures: f.failures, retryInMs: f.retryInMs },
          "office push failed",
        ),
      onRecovered: (stream: string, after: number) => deps.logger.info({ stream, after }, "office push recovered"),
    };
    this.streams = {
      kioskKeys: new PushStream("kioskKeys", () => this.pushKioskKeys(), options),
      registerEvents: new PushStream("registerEvents", () => this.pushEvents(), options),
      deliveries: new PushStream("deliveries", () => this.pushDeliveries(), options),
    };
  }

  start(): void {
    for (const stream of Object.values(this.streams)) stream.start();
  }

  /** Push now instead of waiting for the next poll (e.g. right after an enrolment). */
  nudge(): void {
    for (const stream of Object.values(this.streams)) stream.nudge();
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.streams).map((s) => s.stop()));
  }

  health(): PartHealth {
    const eventsCursor = readCursor(this.deps.db, EVENTS_CURSOR);
    const head = this.deps.register.status.ok ? this.deps.register.status.headSeq : eventsCursor;
    const streams = Object.fromEntries(Object.entries(this.streams).map(([name, s]) => [name, s.health()]));
    const parts = Object.values(streams);
    const worst = parts.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
    const successes = parts.map((p) => p.lastSuccessAt as string | null).filter((t): t is string => t !== null);
    return {
      status: worst.status,
      target: this.target.origin,
      pushedSeq: eventsCursor,
      lagEvents: Math.max(0, head - eventsCursor),
      deliveriesCursor: readCursor(this.deps.db, DELIVERIES_CURSOR),
      consecutiveFailures: Math.max(...parts.map((p) => Number(p.consecutiveFailures))),
      reasonCode: worst.reasonCode ?? null,
      lastError: parts.find((p) => p.lastError !== null)?.lastError ?? null,
      /** The latest request the office accepted, on any stream (null until one was). */
      lastSuccessAt: successes.sort().at(-1) ?? null,
      streams,
    };
  }

  private headCheckDue(stream: PushStreamName): boolean {
    return performance.now() - this.lastContact[stream] >= this.deps.config.office.pushHeadCheckMs;
  }

  private post<S extends PushStreamName>(stream: S, body: string) {
    return postToOffice(
      {
        target: this.target,
        key: this.key,
        kioskId: this.deps.config.kioskId,
        timeoutMs: this.deps.config.office.pushTimeoutMs,
        nowSeconds: () => this.deps.clock.now().getTime() / 1000,
      },
      stream,
      body,
    ).then((answer) => {
      this.lastContact[stream] = performance.now();
      return answer;
    });
  }

  /** The office is behind what it acknowledged: it lost data. Refill every stream from its head. */
  private officeLostData(stream: PushStreamName, cursor: number, head: number): void {
    this.deps.logger.warn({ stream, cursor, officeHead: head }, "the office lost data: refilling from its head");
    this.resendKeys = true;
    for (const name of Object.keys(this.streams) as PushStreamName[]) {
      if (name === stream) continue;
      this.lastContact[name] = Number.NEGATIVE_INFINITY;
      this.streams[name].nudge();
    }
  }

  /** The kiosk's public keys: at start, whenever the set changes, and after the office lost data. */
  private async pushKioskKeys(): Promise<Round> {
    const set = kioskKeysPushBodySchema.safeParse(kioskKeySet(this.deps.db));
    if (!set.success) return IDLE; // no key yet (receipts not started)
    const body = JSON.stringify(set.data);
    const digest = sha256Hex(body);
    const sent = this.deps.db.select().from(syncCursors).where(eq(syncCursors.name, KIOSK_KEYS_CURSOR)).get();
    if (sent?.value === digest && !this.resendKeys) return IDLE;
    this.resendKeys = false;
    try {
      await this.post("kioskKeys", body);
    } catch (err) {
      this.resendKeys = true;
      throw err;
    }
    const at = this.deps.clock.now().toISOString();
    this.deps.db
      .insert(syncCursors)
      .values({ name: KIOSK_KEYS_CURSOR, value: digest, updatedAt: at })
      .onConflictDoUpdate({ target: syncCursors.name, set: { value: digest, updatedAt: at } })
      .run();
    return { posted: true, more: false };
  }

  private async pushEvents(): Promise<Round> {
    const cursor = readCursor(this.deps.db, EVENTS_CURSOR);
    const page = listRegisterEvents(this.deps, { after: cursor, limit: this.deps.config.office.pushBatchSize });
    if (page.count === 0 && !this.headCheckDue("registerEvents")) return IDLE;
    const { status, answer } = await this.post("registerEvents", page.json);
    if (answer === null) throw new PushFailure("bad_answer", `office answered ${status} without a body`);
    const lastSent = cursor + page.count;
    const ownHead = this.ownHead();
    if (answer.head_seq > ownHead) {
      throw new PushFailure(
        "conflict",
        `the office holds events up to ${answer.head_seq}, the kiosk only up to ${ownHead} (was the kiosk restored from an older backup?)`,
      );
    }
    const ours = answer.head_seq === 0 ? null : this.hashAt(answer.head_seq);
    if (ours !== null && ours !== answer.head_hash) {
      throw new PushFailure(
        "conflict",
        `the office's event ${answer.head_seq} has hash ${answer.head_hash.slice(0, 12)}…, the kiosk's ${ours.slice(0, 12)}…`,
      );
    }
    const next = Math.min(answer.head_seq, lastSent);
    const problem = answer.problem;
    if (problem && problem.kind !== "gap") {
      // Keep what the office applied before the problem, then stop: this needs a person.
      if (next > cursor) writeCursor(this.deps.db, EVENTS_CURSOR, next, this.deps.clock.now().toISOString());
      throw new PushFailure("conflict", `office refused event ${problem.seq}: ${problem.kind}`);
    }
    if (next === cursor && page.count > 0) {
      throw new PushFailure(
        "bad_answer",
        problem
          ? `office answered 409 gap, but its head ${answer.head_seq} is where the batch starts`
          : `office took none of the events after ${cursor} and named no problem (its head: ${answer.head_seq})`,
      );
    }
    if (next < cursor) this.officeLostData("registerEvents", cursor, next);
    if (next !== cursor) writeCursor(this.deps.db, EVENTS_CURSOR, next, this.deps.clock.now().toISOString());
    return { posted: true, more: next !== cursor };
  }

  private async pushDeliveries(): Promise<Round> {
    const cursor = readCursor(this.deps.db, DELIVERIES_CURSOR);
    const page = listDeliveries(this.deps, { after: cursor, limit: this.deps.config.office.pushBatchSize });
    if (page.changes.length === 0 && !this.headCheckDue("deliveries")) return IDLE;
    // A letter that goes by post carries its address and owners, so an office hub can list it for
    // posting; so does the notice of an office rejection that goes by post, with the office's words.
    const paperIds = page.changes
      .filter((c) => c.status === "paper" && c.correspondence_id)
      .map((c) => c.correspondence_id!);
    const noticeOf = (c: (typeof page.changes)[number]) =>
      c.status === "paper" && !c.correspondence_id ? rejectionNoticeOf(c.message_id) : null;
    const noticeSeqs = page.changes.flatMap((c) => noticeOf(c)?.seq ?? []);
    const letters = paperIds.length > 0 ? letterPostDetails(this.deps, paperIds) : new Map();
    const notices = noticeSeqs.length > 0 ? rejectionNoticePostDetails(this.deps, noticeSeqs) : new Map();
    // With office.pushLetterDetails off, names, addresses and the office's words stay at the kiosk: the heading goes alone.
    const withNames = this.deps.config.office.pushLetterDetails;
    const body: DeliveriesPushBody = {
      changes: page.changes.map((c) => {
        const notice = noticeOf(c);
        const found: LetterPostDetails | undefined = notice
          ? notices.get(notice.id)
          : c.status === "paper" && c.correspondence_id
            ? letters.get(c.correspondence_id)
            : undefined;
        if (!found) return c;
        const { address: _a, owners: _o, rejection_reason: _r, letter_text: _t, ...heading } = found;
        return { ...c, letter: withNames ? found : heading };
      }),
    };
    const { answer } = await this.post("deliveries", JSON.stringify(body));
    const lastSent = page.changes.at(-1)?.seq ?? cursor;
    // 204: everything stored. 200: the office's head is the truth (behind the cursor: it lost data).
    const next = answer === null ? lastSent : Math.min(answer.head_seq, lastSent);
    if (next === cursor && page.changes.length > 0) {
      throw new PushFailure(
        "bad_answer",
        `office took none of the delivery changes after ${cursor} (its head: ${answer?.head_seq})`,
      );
    }
    if (next < cursor) this.officeLostData("deliveries", cursor, next);
    if (next !== cursor) writeCursor(this.deps.db, DELIVERIES_CURSOR, next, this.deps.clock.now().toISOString());
    return { posted: true, more: next !== cursor };
  }

  private ownHead(): number {
    return (
      this.deps.db
        .select({ seq: max(registerEvents.seq) })
        .from(registerEvents)
        .get()?.seq ?? 0
    );
  }

  private hashAt(seq: number): string | null {
    const row = this.deps.db
      .select({ hash: registerEvents.hash })
      .from(registerEvents)
      .where(eq(registerEvents.seq, seq))
      .get();
    return row?.hash ?? null;
  }
}
