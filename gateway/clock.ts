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
