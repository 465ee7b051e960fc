import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffMs } from "./backoff.ts";

describe("the retry backoff", () => {
  it("doubles from the base up to the cap without jitter", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((a) => backoffMs(a, { baseMs: 1000, maxMs: 30_000, jitter: false }));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it("with jitter waits somewhere below the same bound, never more", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (attempt, r) => {
        const bound = backoffMs(attempt, { baseMs: 250, maxMs: 60_000, jitter: false });
        const delay = backoffMs(attempt, { baseMs: 250, maxMs: 60_000, random: () => r });
        return delay >= 0 && delay < bound;
      }),
    );
  });
});
