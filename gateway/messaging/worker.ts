/**
 * The outbox workers: claim due rows with a lease (codes first), keep each channel's sender busy
 * within its concurrency, rate limit and quiet hours, and record the outcome (sent, retry with
 * backoff and full jitter, failed, or paper when the message's time ran out).
 *
 * Delivery is at least once. A row is marked `sent` only after the channel accepted it, in the
 * next group commit; a crash between the two re-sends that message after its lease expires.
 * The outbox id travels with the message (email Message-ID, gammu CreatorID), so the receiving
 * side can recognise the repeat: "exactly once" as seen by a person relies on that id.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { backoffMs } from "../../drivers/backoff.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import { type DeliveryChange, recordDelivery, recordSent, type SentItem } from "../services/recordDelivery.ts";
import type { ConsentRegister } from "../services/register.ts";
import { claimDue, expiredRows, type OutboxRow, release, renewLeases, reschedule } from "./leases.ts";
import { inSendingWindow, quietHoursExempt, RateWindow } from "./schedule.ts";
import type { ChannelSender, OutgoingMessage, SendResult } from "./types.ts";

type Channel = "email" | "sms";

export type WorkerDeps = CoreDeps & { register: ConsentRegister };
/** The same deps inside one pass's transaction. */
type PassDeps = Omit<WorkerDeps, "db"> & { db: DbOrTx; poke?: () => void };

export interface WorkerOptions {
  /** Lease owner name; unique per process start by default. */
  owner?: string;
  /** Jitter source (tests pass a fixed one). */
  random?: () => number;
  /** Told of every write that failed (the gateway's disk watch turns health down on a full disk). */
  onWriteFailure?: (err: unknown) => void;
}

export interface SenderOptions {
  concurrency?: number;
  /** Sends per minute; 0 or absent: unlimited. Codes are never held back by it. */
  perMinute?: number;
  /** Rows claimed ahead, as a multiple of `concurrency` (keeps an SMTP pool saturated). */
  prefetch?: number;
}

export interface ChannelStats {
  sent: number;
  retried: number;
  failed: number;
  expired: number;
  inFlight: number;
  lastSuccessAt: string | null;
  lastError: { at: string; reason: string } | null;
}

interface Lane {
  sender: ChannelSender;
  concurrency: number;
  prefetch: number;
  rate: RateWindow | null;
  inFlight: Map<string, OutboxRow>;
  buffer: OutboxRow[];
  /**
   * The last claim found fewer due rows than it asked for: until new rows arrive (a poke, the
   * poll) another claim would find nothing, so a running-low buffer is no reason for a pass.
   */
  drained: boolean;
  stats: ChannelStats;
}

interface Done {
  row: OutboxRow;
  channel: Channel;
  result: SendResult;
}

/**
 * Group commit: finished sends are recorded together, at most this long after they finished
 * (or at once when many are waiting or the buffer runs low). The next send does not wait for it,
 * but the event loop does, for the commit's fsync: a pass per 128 results made 16–18 commits per
 * 2,000 emails, now the timer paces them (~11; bench/email.ts). The email lane claims 32 ×
 * concurrency ahead so its buffer outlasts FLUSH_MS at full speed.
 */
const FLUSH_MS = 150;
const FLUSH_BATCH = 512;
/** Expired rows and expired leases are looked for at most this often (clock time). */
const SCAN_MS = 1000;

const byUrgency = (a: OutboxRow, b: OutboxRow) =>
  a.priority - b.priority || a.nextAttemptAt.localeCompare(b.nextAttemptAt);

/**
 * A lane sends up to `concurrency` messages at once; one more slot is kept for a one-time code,
 * so a code never waits behind a full lane of bulk letters (the resident stands at the kiosk).
 * While a code is being handed over, no other message starts: on the SMS lane every hand-over is
 * a gammu-smsd-inject process writing gammu's SQLite database, and an inject started next to the
 * code's would compete with it for the database lock and the CPU (bench/sms.ts, docs/benchmarks.md).
 */
function hasRoomFor(lane: Lane, next: OutboxRow): boolean {
  let codeInFlight = false;
  for (const row of lane.inFlight.values()) if (row.priority === 0) codeInFlight = true;
  if (next.priority !== 0) return !codeInFlight && lane.inFlight.size < lane.concurrency;
  return lane.inFlight.size < lane.concurrency || (!codeInFlight && lane.inFlight.size === lane.concurrency);
}

export class OutboxWorker {
  readonly owner: string;
  private readonly lanes = new Map<Channel, Lane>();
  private readonly done: Done[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly random: () => number;
  private pumpQueued = false;
  /** Rows may have been enqueued since the last pass (a poke or the poll): look for codes. */
  private fresh = true;
  private poll: ReturnType<typeof setInterval> | undefined;
  private wake: ReturnType<typeof setTimeout> | undefined;
  private flush: ReturnType<typeof setTimeout> | undefined;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  private readonly onWriteFailure: (err: unknown) => void;
  /** Clock time of the last scan for expired rows and expired leases (both need not run every pass). */
  private lastScan = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: WorkerDeps,
    options: WorkerOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.random = options.random ?? Math.random;
    this.onWriteFailure = options.onWriteFailure ?? (() => {});
  }

  /** Plugs a channel in (the SMS bridge registers itself here too). */
  addSender(sender: ChannelSender, options: SenderOptions = {}): void {
    const cfg = this.deps.config;
    const concurrency = options.concurrency ?? cfg.outbox.concurrency[sender.channel];
    const perMinute = options.perMinute ?? (sender.channel === "sms" ? cfg.sms.perMinute : cfg.email.perMinute);
    this.lanes.set(sender.channel, {
      sender,
      concurrency,
      prefetch: options.prefetch ?? (sender.channel === "email" ? 32 : 1),
      rate: perMinute > 0 ? new RateWindow(perMinute) : null,
      inFlight: new Map(),
      buffer: [],
      drained: false,
      stats: { sent: 0, retried: 0, failed: 0, expired: 0, inFlight: 0, lastSuccessAt: null, lastError: null },
    });
    this.poke();
  }

  stats(channel: Channel): ChannelStats | null {
    const lane = this.lanes.get(channel);
    return lane ? { ...lane.stats, inFlight: lane.inFlight.size } : null;
  }

  start(): void {
    this.poll ??= setInterval(() => this.poke(), this.deps.config.outbox.pollMs);
    this.poke();
  }

  /** New rows were enqueued: run a pass on the next turn of the event loop (coalesced). */
  poke(): void {
    this.fresh = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.pumpQueued || this.stopped) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      if (this.stopped) return;
      try {
        this.pump();
      } catch (err) {
        // e.g. the database is busy: the poll (or the next completion) tries again
        this.deps.logger.error({ err }, "outbox pass failed");
        this.onWriteFailure(err);
      }
    });
  }

  /**
   * One pass: commit finished sends, move expired rows to paper, claim, dispatch.
   * Everything written in one transaction (a group commit). Returns the number of sends started.
   */
  pump(): number {
    const now = this.deps.clock.now();
    // This pass records everything finished so far: the flush timer starts again with the next result.
    clearTimeout(this.flush);
    this.flush = undefined;
    this.deps.db.transaction((tx) => {
      const deps = { ...this.deps, db: tx, poke: () => this.poke() };
      this.applyResults(deps, now);
      const scan = Math.abs(now.getTime() - this.lastScan) >= SCAN_MS;
      if (scan) {
        this.lastScan = now.getTime();
        this.renew(tx, now);
        this.sweepExpired(deps, now);
      }
      if (!this.stopped) for (const [channel, lane] of this.lanes) this.fill(tx, channel, lane, now, scan);
      this.fresh = false;
    });
    let started = 0;
    for (const [channel, lane] of this.lanes) started += this.dispatch(channel, lane, now);
    return started;
  }

  /**
   * For tests and the bench: pass until nothing is in flight and nothing more is due. While sends
   * are in flight the worker runs as it does in service (their completions dispatch from the
   * buffer and group-commit); this only passes again once nothing is in flight. An extra pass on
   * a timer here used to double the commits (bench/email.ts: ~13 messages per commit, not ~100).
   */
  async runUntilIdle(): Promise<void> {
    this.fresh = true;
    for (;;) {
      const started = this.pump();
      if (started === 0 && this.pending.size === 0 && this.done.length === 0) return;
      if (this.pending.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Stops claiming, waits up to `graceMs` for sends in flight, commits, releases the rest. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.wake);
    clearTimeout(this.flush);
    if (this.pending.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...this.pending]), timeout]);
      clearTimeout(timer);
    }
    const now = this.deps.clock.now();
    this.deps.db.transaction((tx) => {
      this.applyResults({ ...this.deps, db: tx }, now);
      for (const lane of this.lanes.values()) release(tx, lane.buffer.splice(0), this.owner, now);
    });
    await Promise.allSettled([...this.lanes.values()].map((lane) => lane.sender.close()));
  }

  private applyResults(deps: PassDeps, now: Date): void {
    const sent: SentItem[] = [];
    const at = now.toISOString();
    for (const { row, channel, result } of this.done.splice(0)) {
      const stats = this.lanes.get(channel)?.stats;
      if (result.outcome === "retry") {
        if (stats) {
          stats.retried++;
          stats.lastError = { at, reason: result.reason };
        }
        if (now.getTime() >= Date.parse(row.expiresAt)) {
          this.expire(deps, row, result.reason);
          continue;
        }
        const { retryBaseSeconds, retryMaxSeconds } = deps.config.outbox;
        const delay = backoffMs(row.attempts, {
          baseMs: retryBaseSeconds * 1000,
          maxMs: retryMaxSeconds * 1000,
          random: this.random,
        });
        reschedule(deps.db, row.id, new Date(now.getTime() + delay), result.reason, now);
        if (delay < deps.config.outbox.pollMs) this.wakeIn(delay);
        continue;
      }
      if (result.outcome === "sent") {
        if (stats) {
          stats.sent++;
          stats.lastSuccessAt = at;
        }
        sent.push({
          messageId: row.id,
          externalId: result.externalId,
          channel: row.channel,
          correspondenceId: row.correspondenceId,
        });
        continue;
      }
      if (stats) {
        stats.failed++;
        stats.lastError = { at, reason: result.reason };
      }
      this.record(deps, {
        messageId: row.id,
        status: "failed",
        reason: result.reason,
        contactFailing: result.contactFailing,
      });
    }
    try {
      recordSent(deps, sent);
    } catch (err) {
      // Its savepoint rolled back; the leases expire and the messages go again (same ids).
      deps.logger.error({ err, count: sent.length }, "recording sent messages failed");
      this.onWriteFailure(err);
    }
  }

  private renew(tx: DbOrTx, now: Date): void {
    const leaseMs = this.deps.config.outbox.leaseSeconds * 1000;
    const soon = new Date(now.getTime() + leaseMs / 2).toISOString();
    const held = [...this.lanes.values()].flatMap((lane) => [...lane.buffer, ...lane.inFlight.values()]);
    const due = held.filter((row) => (row.leaseUntil ?? "") < soon);
    renewLeases(
      tx,
      due.map((row) => row.id),
      this.owner,
      now,
      leaseMs,
    );
    const until = new Date(now.getTime() + leaseMs).toISOString();
    for (const row of due) row.leaseUntil = until;
  }

  private sweepExpired(deps: PassDeps, now: Date): void {
    for (const row of expiredRows(deps.db, now, 100)) {
      const stats = this.lanes.get(row.channel)?.stats;
      if (stats) stats.expired++;
      this.expire(deps, row, row.lastError ?? "not sent in time");
    }
  }

  /** A code that could not go out in time is useless on paper; everything else goes to paper. */
  private expire(deps: PassDeps, row: OutboxRow, lastError: string): void {
    const reason = `expired after ${row.attempts} attempt(s): ${lastError}`;
    this.record(deps, { messageId: row.id, status: row.kind === "otp" ? "failed" : "paper", reason });
  }

  private record(deps: PassDeps, change: DeliveryChange): void {
    try {
      recordDelivery(deps, change);
    } catch (err) {
      // Its savepoint rolled back; the row keeps its lease and is retried after it expires.
      deps.logger.error({ err, messageId: change.messageId, status: change.status }, "recording a delivery failed");
      this.onWriteFailure(err);
    }
  }

  private fill(tx: DbOrTx, channel: Channel, lane: Lane, now: Date, reclaim: boolean): void {
    const cfg = this.deps.config;
    const quiet = channel === "sms" && !inSendingWindow(now, cfg.sms.quietHours, cfg.timezone);
    const base = {
      channel,
      owner: this.owner,
      now,
      leaseMs: cfg.outbox.leaseSeconds * 1000,
      exemptOnly: quiet ? { urgentToo: cfg.sms.quietHours.outageExempt } : undefined,
    };
    let room = lane.concurrency * lane.prefetch - lane.buffer.length - lane.inFlight.size;
    if (lane.rate) room = Math.min(room, lane.rate.available(now.getTime()) - lane.buffer.length);
    // Claim in chunks: refill when the buffer is half empty, not after every send.
    if (!reclaim && lane.buffer.length > (lane.concurrency * lane.prefetch) / 2) room = 0;
    // Only a reclaim needs the rows held here (their lease may have run out while they waited).
    const exclude = reclaim && room > 0 ? [...lane.buffer.map((r) => r.id), ...lane.inFlight.keys()] : undefined;
    let claimed = claimDue(tx, { ...base, reclaim, exclude, limit: room });
    if (room > 0) lane.drained = claimed.length < room;
    if (room <= 0 && this.fresh) {
      // Full or rate-limited: a code still overtakes everything (the resident waits at the kiosk).
      const codesHeld = lane.buffer.filter((r) => r.priority === 0).length;
      claimed = claimDue(tx, { ...base, belowPriority: 1, limit: lane.concurrency - codesHeld });
    }
    if (claimed.length > 0) lane.buffer.push(...claimed);
    lane.buffer.sort(byUrgency);
  }

  private dispatch(channel: Channel, lane: Lane, now: Date): number {
    const cfg = this.deps.config;
    const quiet = channel === "sms" && !inSendingWindow(now, cfg.sms.quietHours, cfg.timezone);
    const held: OutboxRow[] = [];
    let started = 0;
    while (lane.buffer.length > 0 && hasRoomFor(lane, lane.buffer[0])) {
      const row = lane.buffer[0];
      if (Date.parse(row.expiresAt) <= now.getTime()) {
        lane.buffer.shift(); // its time ran out while it waited: the sweep sends it to paper
        continue;
      }
      if (quiet && !quietHoursExempt(row.kind, row.category, cfg.sms.quietHours.outageExempt)) {
        held.push(lane.buffer.shift() as OutboxRow);
        continue;
      }
      if (lane.rate && row.priority > 0 && lane.rate.available(now.getTime()) <= 0) {
        this.wakeIn(lane.rate.waitMs(now.getTime()));
        break;
      }
      lane.buffer.shift();
      lane.rate?.take(now.getTime());
      this.launch(channel, lane, row);
      started++;
    }
    if (held.length > 0) this.deps.db.transaction((tx) => release(tx, held, this.owner, now));
    return started;
  }

  private launch(channel: Channel, lane: Lane, row: OutboxRow): void {
    lane.inFlight.set(row.id, row);
    const task = lane.sender
      .send(toOutgoing(row))
      .catch((err: unknown): SendResult => ({ outcome: "retry", reason: `sender error: ${(err as Error).message}` }))
      .then((result) => {
        lane.inFlight.delete(row.id);
        this.done.push({ row, channel, result });
        this.pending.delete(task);
        if (this.pending.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        if (this.stopped) return;
        // Keep the channel busy from the buffer now; the bookkeeping follows in a group commit.
        this.dispatch(channel, lane, this.deps.clock.now());
        const runningLow = lane.buffer.length < lane.concurrency && !lane.drained;
        if (runningLow || this.done.length >= FLUSH_BATCH) this.schedule();
        else
          this.flush ??= setTimeout(() => {
            this.flush = undefined;
            this.schedule();
          }, FLUSH_MS);
      });
    this.pending.add(task);
  }

  private wakeIn(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.wake);
    this.wake = setTimeout(() => this.poke(), Math.max(0, ms));
  }
}

function toOutgoing(row: OutboxRow): OutgoingMessage {
  const payload = JSON.parse(row.payload) as Pick<OutgoingMessage, "subject" | "text" | "html" | "attachments">;
  return {
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    recipient: row.recipient,
    subject: payload.subject,
    text: payload.text,
    html: payload.html,
    attachments: payload.attachments,
    category: row.category,
    attempts: row.attempts,
  };
}
