/**
 * Password and owner-code hashing off the event loop, at low priority, in a bounded queue.
 *
 * Where the time went: with scrypt on the runtime's thread pool (async `crypto.scrypt`) a flood
 * of wrong logins kept both cores of a 2-core machine busy at the same priority as the event
 * loop, so a kiosk request waited for a time slice: p95 of the kiosk config went from 1.3 ms to
 * 3–5 ms under two hashing threads alone, and back to 0.4–0.6 ms when the same threads ran at
 * nice 19 (bench/abuse.ts, docs/security.md). So scrypt runs here on `concurrency` worker threads
 * that lower their own priority (`hashing.nice`), one job each at a time. At most `maxQueued`
 * jobs wait per lane; one more is refused at once with BUSY (503, Retry-After). The kiosk lane
 * (a resident identifying at the touchscreen) is served before the office lane (staff logins),
 * and each has its own queue, so a flood of staff logins cannot make the resident wait or fail.
 *
 * Every check names what it counts against (`keys`: a client, a flat, a user), and the throttles
 * count checks still in flight as failures: a burst of parallel guesses from one client gets only
 * its free attempts hashed, the rest are refused before any hashing.
 */
import { timingSafeEqual } from "node:crypto";
import { Worker } from "node:worker_threads";
import { KioskError } from "./errors.ts";
import type { HashJob, HashReply, HashWorkerHello } from "./hashWorker.ts";
import type { Logger } from "./logger.ts";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Who waits for the hash: the resident at the kiosk goes first. */
export type HashLane = "kiosk" | "office";

export interface HashLimits {
  /** Hashing threads (keep it below the core count: the event loop keeps a core). */
  concurrency: number;
  /** Jobs waiting per lane; one more is BUSY. */
  maxQueued: number;
  /** The hashing threads' nice value (0–19); 19 = only CPU time nobody else wants. */
  nice: number;
}

export interface HashFor {
  lane: HashLane;
  /** What this check counts against while in flight (see `pending`). */
  keys: string[];
}

interface Pending {
  job: HashJob;
  resolve: (key: Buffer) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  current: Pending | null;
}

const busy = () =>
  new KioskError("BUSY", "too many sign-in checks at once; try again in a moment", { retryAfterSeconds: 1 });

export class HashPool {
  private readonly threads: Thread[] = [];
  private readonly queues: Record<HashLane, Pending[]> = { kiosk: [], office: [] };
  private readonly inFlight = new Map<string, number>();
  private nextId = 1;
  private closed = false;
  private warnedNotNiced = false;

  constructor(
    private readonly limits: HashLimits,
    private readonly logger: Pick<Logger, "warn" | "error">,
  ) {}

  /** Checks queued or running for `key` (a client, a flat, a user, or a lane's name). */
  pending(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /** Derives a key with scrypt on a hashing thread; BUSY when the lane's queue is full. */
  async scrypt(
    secret: string,
    salt: Uint8Array,
    keylen: number,
    params: ScryptParams,
    hashFor: HashFor,
  ): Promise<Buffer> {
    const keys = [hashFor.lane, ...hashFor.keys];
    for (const key of keys) this.inFlight.set(key, this.pending(key) + 1);
    try {
      return await this.derive(secret, salt, keylen, params, hashFor.lane);
    } finally {
      for (const key of keys) {
        const left = this.pending(key) - 1;
        if (left > 0) this.inFlight.set(key, left);
        else this.inFlight.delete(key);
      }
    }
  }

  private derive(
    secret: string,
    salt: Uint8Array,
    keylen: number,
    params: ScryptParams,
    lane: HashLane,
  ): Promise<Buffer> {
    if (this.closed) return Promise.reject(new KioskError("UNAVAILABLE", "the gateway is stopping"));
    const idle = this.idleThread();
    if (!idle && this.queues[lane].length >= this.limits.maxQueued) return Promise.reject(busy());
    return new Promise<Buffer>((resolve, reject) => {
      const pending: Pending = {
        job: { id: this.nextId++, secret, salt, keylen, ...params },
        resolve,
        reject,
      };
      if (idle) this.run(idle, pending);
      else this.queues[lane].push(pending);
    });
  }

  /** Checks `secret` against a stored `scrypt$N$salt$hash` string in constant time. */
  async verify(secret: string, stored: string, hashFor: HashFor, r = 8, p = 1): Promise<boolean> {
    const [scheme, n, saltB64, hashB64] = stored.split("$");
    if (scheme !== "scrypt" || !saltB64 || !hashB64) return false;
    const expected = Buffer.from(hashB64, "base64");
    const actual = await this.scrypt(
      secret,
      Buffer.from(saltB64, "base64"),
      expected.length,
      { N: Number(n), r, p },
      hashFor,
    );
    return timingSafeEqual(actual, expected);
  }

  get load(): { running: number; queued: Record<HashLane, number> } {
    return {
      running: this.threads.filter((t) => t.current).length,
      queued: { kiosk: this.queues.kiosk.length, office: this.queues.office.length },
    };
  }

  /** Ends the hashing threads; waiting and running checks fail with UNAVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
    const stopping = new KioskError("UNAVAILABLE", "the gateway is stopping");
    for (const p of [...this.queues.kiosk.splice(0), ...this.queues.office.splice(0)]) p.reject(stopping);
    const threads = this.threads.splice(0);
    for (const t of threads) t.current?.reject(stopping);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  /** An idle thread, started on demand up to `concurrency`. */
  private idleThread(): Thread | undefined {
    const idle = this.threads.find((t) => !t.current);
    if (idle || this.threads.length >= this.limits.concurrency) return idle;
    const thread: Thread = {
      worker: new Worker(new URL("./hashWorker.ts", import.meta.url), { workerData: { nice: this.limits.nice } }),
      current: null,
    };
    thread.worker.unref();
    thread.worker.on("message", (msg: HashReply | HashWorkerHello) => this.onMessage(thread, msg));
    thread.worker.on("error", (err) => this.onThreadLost(thread, err));
    thread.worker.on("exit", (code) => this.onThreadLost(thread, new Error(`hashing thread exited (${code})`)));
    this.threads.push(thread);
    return thread;
  }

  private run(thread: Thread, pending: Pending): void {
    thread.current = pending;
    thread.worker.postMessage(pending.job);
  }

  private onMessage(thread: Thread, msg: HashReply | HashWorkerHello): void {
    if ("ready" in msg) {
      if (!msg.niced && !this.warnedNotNiced) {
        this.warnedNotNiced = true;
        this.logger.warn({ nice: this.limits.nice }, "hashing threads could not lower their priority");
      }
      return;
    }
    const pending = thread.current;
    if (!pending || pending.job.id !== msg.id) return;
    thread.current = null;
    if ("error" in msg) pending.reject(new Error(`scrypt failed: ${msg.error}`));
    else pending.resolve(Buffer.from(msg.key));
    const next = this.queues.kiosk.shift() ?? this.queues.office.shift();
    if (next) this.run(thread, next);
  }

  /** A thread that died fails its job; the next job starts a fresh thread. */
  private onThreadLost(thread: Thread, err: Error): void {
    const index = this.threads.indexOf(thread);
    if (index < 0) return;
    this.threads.splice(index, 1);
    this.logger.error({ err }, "hashing thread failed");
    thread.current?.reject(err);
    thread.current = null;
    const next = this.queues.kiosk.shift() ?? this.queues.office.shift();
    // One thread fewer than `concurrency` now, so idleThread() starts a fresh one.
    if (next) this.run(this.idleThread() as Thread, next);
  }
}
