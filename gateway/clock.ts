/** Time comes from here so tests can move it (grace period, quiet hours, code expiry). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: string | Date = "2026-01-15T10:00:00Z") {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: string | Date): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * The demo's clock: real time (or a test's clock) moved forward by `POST /dev/clock`, so staff can
 * see the 14-day grace period end, messages expire to paper and codes expire. Demo mode only.
 */
export class DemoClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }
  /** Only forward: the register and the outbox never see time run backwards. */
  advance(ms: number): void {
    if (!(ms > 0)) throw new RangeError("the demo clock only moves forward");
    this.offsetMs += ms;
  }
  get offsetSeconds(): number {
    return Math.round(this.offsetMs / 1000);
  }
}

/** A step of the wall clock the steady clock held back (positive: the wall clock jumped forward). */
export interface ClockStep {
  stepMs: number;
  /** The steady reading just before the step was taken in (the old timeline). */
  before: Date;
  /** The wall clock's reading (the new timeline). */
  after: Date;
}

export interface SteadyClockOptions {
  /** Wall clock in ms since the epoch (CLOCK_REALTIME); tests pass their own. */
  wall?: () => number;
  /** A monotonic clock in ms (CLOCK_MONOTONIC: NTP steps never move it). */
  monotonic?: () => number;
  /** A difference between the wall clock and the monotonic pace larger than this is a step. */
  toleranceMs?: number;
}

/**
 * The production clock. A Pi has no battery clock, so NTP may step the wall clock by hours (a
 * clock restored from a stale save, an RTC kept in local time) after the gateway started. Time
 * here advances at the monotonic clock's pace; small differences (NTP slewing) are followed at
 * once, while a step is held back: `now()` goes on as if nothing happened until the gateway has
 * moved its stored deadlines (codes, leases, lock windows) by the same amount and calls
 * `takeStep()` (see services/takeClockStep.ts). So a step never expires or unlocks anything,
 * and readings never go backwards except through a recorded step.
 */
export class SteadyClock implements Clock {
  private readonly wall: () => number;
  private readonly monotonic: () => number;
  private readonly toleranceMs: number;
  private anchorWall: number;
  private anchorMono: number;
  private last: number;

  constructor(options: SteadyClockOptions = {}) {
    this.wall = options.wall ?? Date.now;
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.toleranceMs = options.toleranceMs ?? 2_000;
    this.anchorWall = this.wall();
    this.anchorMono = this.monotonic();
    this.last = this.anchorWall;
  }

  private steady(): number {
    return this.anchorWall + (this.monotonic() - this.anchorMono);
  }

  now(): Date {
    const wall = this.wall();
    const steady = this.steady();
    if (Math.abs(wall - steady) <= this.toleranceMs) {
      this.anchorWall = wall;
      this.anchorMono = this.monotonic();
    }
    const reading = Math.abs(wall - steady) <= this.toleranceMs ? wall : steady;
    this.last = Math.max(this.last, reading);
    return new Date(this.last);
  }

  /** Milliseconds on the monotonic clock, for measuring durations in memory. */
  monotonicMs(): number {
    return this.monotonic();
  }

  /** The step the wall clock made that `now()` is holding back, if any. */
  pendingStep(): ClockStep | null {
    const wall = this.wall();
    const steady = this.steady();
    if (Math.abs(wall - steady) <= this.toleranceMs) return null;
    return { stepMs: wall - steady, before: new Date(Math.max(this.last, steady)), after: new Date(wall) };
  }

  /** Follows the wall clock again after the step's deadlines were moved; `now()` may then go back. */
  takeStep(): void {
    this.anchorWall = this.wall();
    this.anchorMono = this.monotonic();
    this.last = Math.min(this.last, this.anchorWall);
  }
}
