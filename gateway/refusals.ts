/**
 * Refusals decided before a request is read. When a throttle has told a client (or all clients)
 * to wait until a moment, that moment is remembered here, so the client's next attempts get
 * 429 from a map lookup: no body read or parsed, no query, no hash, no log line. A flood of
 * refused requests then costs the event loop almost nothing, and the kiosk stays quick.
 *
 * Only waits that already-recorded failures imposed are remembered (failures in flight are not
 * final), and only for scopes nothing but time lifts (a client, all clients): a success never
 * resets those. A wait noted before a backward clock step is dropped.
 */
export class RefusalMemo {
  private readonly waits = new Map<string, { from: number; until: number }>();

  constructor(private readonly maxEntries = 4096) {}

  /** `key` must wait until `untilMs` (decided at `nowMs`). */
  note(key: string, nowMs: number, untilMs: number): void {
    if (untilMs <= nowMs) return;
    const known = this.waits.get(key);
    if (known && known.until >= untilMs && known.from <= nowMs) return;
    if (!known && this.waits.size >= this.maxEntries) this.prune(nowMs);
    this.waits.set(key, { from: nowMs, until: untilMs });
  }

  /** Milliseconds still to wait for the longest-waiting of `keys` (0: go ahead). */
  waitMs(keys: readonly string[], nowMs: number): number {
    let wait = 0;
    for (const key of keys) {
      const known = this.waits.get(key);
      if (!known) continue;
      if (known.until <= nowMs || known.from > nowMs) this.waits.delete(key);
      else wait = Math.max(wait, known.until - nowMs);
    }
    return wait;
  }

  private prune(nowMs: number): void {
    for (const [key, known] of this.waits) if (known.until <= nowMs || known.from > nowMs) this.waits.delete(key);
    // Still full (a scan of many addresses): forget the oldest; their throttles still hold in the database.
    for (const key of this.waits.keys()) {
      if (this.waits.size < this.maxEntries) break;
      this.waits.delete(key);
    }
  }
}
