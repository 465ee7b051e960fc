/**
 * Numbers a cooperative's committed, still unnumbered register events in the cooperative's feed,
 * in the order they were stored. Pushes store each batch with one unnumbered `feed_ranges` row in
 * parallel transactions; this one short transaction, under the cooperative's row lock, gives
 * numbers only to ranges that are already committed, so a number is never followed by a lower one
 * committing later and the office's `after=` cursor never skips an event. A range of n events
 * takes n numbers in one row: the events themselves are not written again.
 *
 * `wait: false` (after a push) skips when another sequencer holds the lock; the next push or
 * the next feed read numbers what it left. `wait: true` (before a feed read) waits for it.
 */
import type { HubDb } from "../db/client.ts";

export async function sequenceEvents(
  deps: { db: HubDb },
  input: { cooperativeId: string; wait: boolean },
): Promise<{ numbered: number }> {
  // Bun's driver directly, as the push path (it runs after every pushed batch).
  return deps.db.$client.begin(async (tx) => {
    const locked = input.wait
      ? await tx`SELECT 1 FROM cooperatives WHERE id = ${input.cooperativeId} FOR UPDATE`
      : await tx`SELECT 1 FROM cooperatives WHERE id = ${input.cooperativeId} FOR UPDATE SKIP LOCKED`;
    if (locked.length === 0) return { numbered: 0 };
    // The snapshot of this statement is taken after the lock: every range it sees is committed, and
    // every earlier sequencer's numbers are visible. Nothing to number writes nothing (no flush).
    const [numbered] = await tx`
      WITH todo AS (
        SELECT kiosk_id, first_seq, last_seq - first_seq + 1 AS n,
          sum(last_seq - first_seq + 1) OVER (ORDER BY arrival) AS upto
        FROM feed_ranges
        WHERE cooperative_id = ${input.cooperativeId} AND coop_first IS NULL
      ), bumped AS (
        UPDATE cooperatives SET event_seq = event_seq + (SELECT max(upto) FROM todo)
        WHERE id = ${input.cooperativeId} AND EXISTS (SELECT 1 FROM todo)
        RETURNING event_seq - (SELECT max(upto) FROM todo) AS base
      ), done AS (
        UPDATE feed_ranges r
        SET coop_first = bumped.base + todo.upto - todo.n + 1, coop_last = bumped.base + todo.upto
        FROM todo, bumped
        WHERE r.kiosk_id = todo.kiosk_id AND r.first_seq = todo.first_seq
        RETURNING todo.n
      )
      SELECT coalesce(sum(n), 0)::int AS n FROM done`;
    return { numbered: numbered.n as number };
  });
}
