import { describe, expect, it } from "vitest";
import { delayAfter, failuresSinceSuccess } from "./throttle.ts";

const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, "0")}:00.000Z`;

describe("counting failures", () => {
  it("counts only the failures since the last success and remembers when the last failure was", () => {
    const attempts = [
      { success: 0, at: at(1) },
      { success: 0, at: at(2) },
      { success: 1, at: at(3) }, // a success (or a staff unlock) starts the count again
      { success: 0, at: at(4) },
      { success: false, at: at(5) },
    ];
    expect(failuresSinceSuccess(attempts)).toEqual({ failures: 2, lastFailureAt: Date.parse(at(5)) });
  });

  it("has nothing against a flat whose last attempt succeeded", () => {
    expect(
      failuresSinceSuccess([
        { success: 0, at: at(1) },
        { success: true, at: at(2) },
      ]).failures,
    ).toBe(0);
    expect(failuresSinceSuccess([])).toEqual({ failures: 0, lastFailureAt: 0 });
  });
});

describe("growing delays", () => {
  it("lets the free failures through, then doubles the wait up to the ceiling", () => {
    const limits = { free: 3, firstMs: 1000, maxMs: 5000 };
    expect([2, 3, 4, 5, 6, 40].map((n) => delayAfter(n, limits))).toEqual([0, 1000, 2000, 4000, 5000, 5000]);
  });
});
