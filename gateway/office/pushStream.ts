/**
 * One push stream's loop (the key set, register events, or deliveries): its own backoff, its own
 * health line, so a stream the office refuses never holds back the others. A round is one
 * request at most; the stream runs again at once while it moves, polls when idle, and backs off
 * (the one backoff, drivers/backoff.ts) after a failure, retrying the same batch forever.
 */
import { backoffMs } from "../../drivers/backoff.ts";
import type { PartHealth, PartStatus } from "../health.ts";

/** Why a stream is not ok; a code for /healthz (the text stays out of public answers). */
export type PushReason =
  /** No connection, a timeout, a cut answer. */
  | "unreachable"
  /** 5xx from the office. */
  | "office_error"
  /** Any other 4xx (401 signature, 404 path, 413 size, a 409 on a stream without conflicts). */
  | "refused"
  /** A 2xx (or 409) whose body breaks the documented answer schema. */
  | "bad_answer"
  /** The office's copy of the register differs from the kiosk's (409 hash_conflict/bad_hash/bad_link, head mismatch). */
  | "conflict"
  /** The Pi's clock is not synchronised yet: nothing is signed until it is. */
  | "clock_unsynchronised";

/** Needs a person: the stream is down at once, not after five failures. */
const SERIOUS: ReadonlySet<PushReason> = new Set(["refused", "bad_answer", "conflict"]);

export class PushFailure extends Error {
  constructor(
    readonly reason: PushReason,
    message: string,
  ) {
    super(message);
    this.name = "PushFailure";
  }
}

/** What a round did: `posted` when the office accepted a request, `more` to run again at once. */
export interface Round {
  posted: boolean;
  more: boolean;
}

export const IDLE: Round = { posted: false, more: false };

export interface StreamOptions {
  intervalMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  now: () => Date;
  clockSynchronized?: () => boolean;
  onFailure(
    stream: string,
    failure: { reason: PushReason; message: string; failures: number; retryInMs: number },
  ): void;
  onRecovered(stream: string, after: number): void;
}

export class PushStream {
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private failures = 0;
  private reason: PushReason | null = null;
  private lastError: string | null = null;
  private lastSuccessAt: string | null = null;
  /** A nudge (new data) ends an idle wait, never a backoff: a failing office is not hammered. */
  private backingOff = false;

  constructor(
    readonly name: string,
    private readonly round: () => Promise<Round>,
    private readonly options: StreamOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  nudge(): void {
    if (!this.backingOff) this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  health(): PartHealth {
    return {
      status: this.status(),
      consecutiveFailures: this.failures,
      reasonCode: this.reason,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
    };
  }

  private status(): PartStatus {
    if (this.reason === "clock_unsynchronised") return "degraded";
    if (this.failures === 0) return "ok";
    if (this.reason && SERIOUS.has(this.reason)) return "down";
    return this.failures < 5 ? "degraded" : "down";
  }

  private async run(): Promise<void> {
    const { intervalMs, backoffBaseMs, backoffMaxMs } = this.options;
    while (!this.stopped) {
      if (this.options.clockSynchronized?.() === false) {
        // Signed requests carry our time; a Pi that has not reached NTP yet would be refused (or
        // worse, stamp events with a wrong time). Wait; nothing is lost, the cursor stays.
        this.reason = "clock_unsynchronised";
        this.lastError = "waiting for the system clock to synchronise (NTP)";
        await this.sleep(intervalMs);
        continue;
      }
      if (this.reason === "clock_unsynchronised" && this.failures === 0) {
        this.reason = null;
        this.lastError = null;
      }
      let wait: number;
      try {
        const round = await this.round();
        if (round.posted) {
          if (this.failures > 0) this.options.onRecovered(this.name, this.failures);
          this.failures = 0;
          this.reason = null;
          this.lastError = null;
          this.lastSuccessAt = this.options.now().toISOString();
        }
        wait = round.more ? 0 : intervalMs;
      } catch (err) {
        this.failures++;
        this.reason = err instanceof PushFailure ? err.reason : "unreachable";
        this.lastError = (err as Error).message;
        wait = Math.max(10, backoffMs(this.failures, { baseMs: backoffBaseMs, maxMs: backoffMaxMs }));
        this.options.onFailure(this.name, {
          reason: this.reason,
          message: this.lastError,
          failures: this.failures,
          retryInMs: Math.round(wait),
        });
      }
      this.backingOff = this.failures > 0;
      if (wait > 0 && !this.stopped) await this.sleep(wait);
      this.backingOff = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
