/**
 * Numbers a cooperative's committed, still unnumbered register events in the cooperative's feed
 * (`coop_seq`), in the order they were stored. Pushes store events unnumbered in parallel
 * transactions; this one short transaction, under the cooperative's row lock, gives numbers only
 * to rows that are already committed, so a number is never followed by a lower one committing
 * later and the office's `after=` cursor never skips a row.
 *
 * `wait: false` (after a push) skips when another sequencer holds the lock; the next push or
 * the next feed read numbers what it left. `wait: true` (before a feed read) waits for it.
 */
import { sql } from "drizzle-orm";
import type { HubDb } from "../db/client.ts";

export async function sequenceEvents(
  deps: { db: HubDb },
  input: { cooperativeId: string; wait: boolean },
): Promise<{ numbered: number }> {
  return deps.db.transaction(async (tx) => {
    const locked = await tx.execute(
      input.wait
        ? sql`SELECT 1 FROM cooperatives WHERE id = ${input.cooperativeId} FOR UPDATE`
        : sql`SELECT 1 FROM cooperatives WHERE id = ${input.cooperativeId} FOR UPDATE SKIP LOCKED`,
    );
    if ((locked as unknown as unknown[]).length === 0) return { numbered: 0 };
    // The snapshot of this statement is taken after the lock: every row it sees is committed, and
    // every earlier sequencer's numbers are visible. Nothing to number writes nothing (no flush).
    const numbered = await tx.execute(sql`
      WITH todo AS (
        SELECT kiosk_id, seq, row_number() OVER (ORDER BY arrival) AS n
        FROM register_events
        WHERE cooperative_id = ${input.cooperativeId} AND coop_seq IS NULL
      ), bumped AS (
        UPDATE cooperatives SET event_seq = event_seq + (SELECT count(*) FROM todo)
        WHERE id = ${input.cooperativeId} AND EXISTS (SELECT 1 FROM todo)
        RETURNING event_seq - (SELECT count(*) FROM todo) AS base
      ), done AS (
        UPDATE register_events r SET coop_seq = bumped.base + todo.n
        FROM todo, bumped
        WHERE r.kiosk_id = todo.kiosk_id AND r.seq = todo.seq
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM done`);
    return { numbered: (numbered as unknown as Array<{ n: number }>)[0].n };
  });
}
