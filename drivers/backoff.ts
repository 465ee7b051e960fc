/**
 * The one retry backoff: exponential from `baseMs`, capped at `maxMs`, with full jitter
 * (uniform in [0, bound), AWS architecture blog) unless `jitter` is false. `attempt` counts
 * from 1 (the first retry waits up to `baseMs`). Used by the outbox workers, the office client
 * and push, and the gammu-smsd supervisor. Pure: randomness is passed in for tests.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  jitter?: boolean;
  random?: () => number;
}

export function backoffMs(
  attempt: number,
  { baseMs, maxMs, jitter = true, random = Math.random }: BackoffOptions,
): number {
  const bound = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return jitter ? Math.floor(random() * bound) : bound;
}
