import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createIdleTimer } from "./idle.ts";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-03-02T10:00:00Z"));
});
afterEach(() => vi.useRealTimers());

function timer() {
  const wipes: number[] = [];
  const idle = createIdleTimer({ warnSeconds: () => 45, wipeSeconds: () => 60, onWipe: () => wipes.push(Date.now()) });
  return { idle, wipes };
}

describe("idle timer", () => {
  it("warns at 45 s with a countdown and wipes at 60 s", () => {
    const { idle, wipes } = timer();
    idle.start();
    vi.advanceTimersByTime(44_900);
    expect(idle.warning.value).toBe(false);
    vi.advanceTimersByTime(200);
    expect(idle.warning.value).toBe(true);
    expect(idle.secondsLeft.value).toBe(15);
    vi.advanceTimersByTime(5_000);
    expect(idle.secondsLeft.value).toBe(10);
    expect(wipes).toEqual([]);
    vi.advanceTimersByTime(10_000);
    expect(wipes).toHaveLength(1);
    expect(idle.warning.value).toBe(false);
    expect(idle.running).toBe(false);
  });

  it("starts counting again on every touch, also during the warning", () => {
    const { idle, wipes } = timer();
    idle.start();
    vi.advanceTimersByTime(40_000);
    idle.touch();
    vi.advanceTimersByTime(40_000);
    expect(idle.warning.value).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(idle.warning.value).toBe(true);
    idle.touch();
    expect(idle.warning.value).toBe(false);
    vi.advanceTimersByTime(59_000);
    expect(wipes).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(wipes).toHaveLength(1);
  });

  it("does nothing once stopped", () => {
    const { idle, wipes } = timer();
    idle.start();
    vi.advanceTimersByTime(50_000);
    idle.stop();
    expect(idle.warning.value).toBe(false);
    vi.advanceTimersByTime(120_000);
    expect(wipes).toEqual([]);
  });
});
