import { describe, expect, it } from "vitest";
import { SteadyClock } from "./clock.ts";

/** A wall clock and a monotonic clock the test moves by hand. */
function clocks(start = Date.parse("2026-03-02T10:00:00Z")) {
  const t = { wall: start, mono: 1_000 };
  const clock = new SteadyClock({ wall: () => t.wall, monotonic: () => t.mono, toleranceMs: 2_000 });
  const pass = (ms: number) => {
    t.wall += ms;
    t.mono += ms;
  };
  return { t, clock, pass };
}

describe("SteadyClock", () => {
  it("follows the wall clock while it keeps the monotonic clock's pace, and small NTP slews", () => {
    const { t, clock, pass } = clocks();
    pass(60_000);
    expect(clock.now().toISOString()).toBe("2026-03-02T10:01:00.000Z");
    t.wall += 800; // slewed ahead, within the tolerance
    expect(clock.now().toISOString()).toBe("2026-03-02T10:01:00.800Z");
    expect(clock.pendingStep()).toBeNull();
  });

  it("holds a step of a day forward back until it is taken in", () => {
    const { t, clock, pass } = clocks();
    pass(1_000);
    t.wall += 86_400_000;
    pass(500);
    expect(clock.now().toISOString()).toBe("2026-03-02T10:00:01.500Z");
    const step = clock.pendingStep();
    expect(step?.stepMs).toBe(86_400_000);
    expect(step?.before.toISOString()).toBe("2026-03-02T10:00:01.500Z");
    clock.takeStep();
    expect(clock.now().toISOString()).toBe("2026-03-03T10:00:01.500Z");
    expect(clock.pendingStep()).toBeNull();
  });

  it("never reads earlier than before a step back is taken in, nor on a small step back", () => {
    const { t, clock, pass } = clocks();
    pass(10_000);
    const first = clock.now().getTime();
    t.wall -= 1_000; // a small step back: the reading waits instead of going back
    expect(clock.now().getTime()).toBe(first);
    t.wall -= 2 * 3_600_000;
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(first);
    expect(Math.round((clock.pendingStep()?.stepMs ?? 0) / 1000)).toBe(-7_200);
    clock.takeStep();
    expect(clock.now().toISOString()).toBe("2026-03-02T08:00:09.000Z");
  });

  it("measures durations on the monotonic clock whatever the wall clock does", () => {
    const { t, clock, pass } = clocks();
    const started = clock.monotonicMs();
    t.wall += 86_400_000;
    pass(2_500);
    expect(clock.monotonicMs() - started).toBe(2_500);
  });
});
