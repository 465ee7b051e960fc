/**
 * Growing delays after repeated failures (owner codes, staff passwords): the first `free`
 * failures cost nothing, then each further one doubles the wait, up to `maxMs`.
 */
export interface ThrottleLimits {
  free: number;
  firstMs: number;
  maxMs: number;
}

export function delayAfter(failures: number, limits: ThrottleLimits): number {
  if (failures < limits.free) return 0;
  return Math.min(limits.maxMs, limits.firstMs * 2 ** Math.min(30, failures - limits.free));
}

/** Milliseconds still to wait before the next attempt (0: go ahead). */
export function waitMs(failures: number, lastFailureAt: number, now: number, limits: ThrottleLimits): number {
  return Math.max(0, lastFailureAt + delayAfter(failures, limits) - now);
}

/**
 * The failures that count against a flat or a user: those since the last success (a success,
 * or a staff unlock recorded as one, starts the count again), with when the last of them was.
 * `attempts` oldest first.
 */
export function failuresSinceSuccess(attempts: Iterable<{ success: boolean | number; at: string }>): {
  failures: number;
  lastFailureAt: number;
} {
  let failures = 0;
  let lastFailureAt = 0;
  for (const attempt of attempts) {
    if (attempt.success) failures = 0;
    else {
      failures++;
      lastFailureAt = Math.max(lastFailureAt, Date.parse(attempt.at));
    }
  }
  return { failures, lastFailureAt };
}
