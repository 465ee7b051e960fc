/**
 * The push path's one writing statement for a batch of n events, as text with numbered parameters:
 * the events (a multi-row insert, as raw batched inserts are written), the kiosk's new head, the
 * flats that changed hands (and the cooperative's new holders token if one moved from another
 * kiosk), and the batch's one unnumbered feed range, whose arrival number is drawn now, after the
 * flat locks, and orders the feed (services/sequenceEvents.ts numbers it once committed).
 *
 * Written out once per batch size and handed to the driver with a flat parameter array: building
 * it through the driver's row helper cost the hub about 1 µs of CPU per event.
 */

/** register_events' columns in parameter order: each event row gives these 12 values. */
export const EVENT_COLUMNS = [
  "cooperative_id",
  "kiosk_id",
  "seq",
  "type",
  "flat_code",
  "owner_id",
  "payload",
  "occurred_at",
  "applied_at",
  "prev_hash",
  "hash",
  "conflict",
] as const;

/** After the rows' parameters: the values the rest of the statement takes, in this order. */
export interface BatchTail {
  headSeq: number;
  headHash: string;
  pushedAt: string;
  kioskId: string;
  cooperativeId: string;
  /** JSON array of the flats the kiosk takes. */
  takenJson: string;
  /** How many of them it won from another kiosk (> 0 draws a new holders token). */
  moved: number;
  firstSeq: number;
}

const texts = new Map<number, string>();
const KEEP = 64;

function statement(rows: number): string {
  const width = EVENT_COLUMNS.length;
  const values: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(`$${r * width + c}`);
    values.push(`(${cells.join(",")})`);
  }
  const p = (i: number) => `$${rows * width + i}`;
  return `
    WITH stored AS (
      INSERT INTO register_events (${EVENT_COLUMNS.join(", ")}) VALUES ${values.join(",")}
    ), moved AS (
      UPDATE kiosks SET head_seq = ${p(1)}, head_hash = ${p(2)}, last_push_at = ${p(3)} WHERE id = ${p(4)}
    ), held AS (
      INSERT INTO flat_winners (cooperative_id, flat_code, kiosk_id)
      SELECT ${p(5)}, f, ${p(4)} FROM json_array_elements_text(${p(6)}::text::json) AS f
      ON CONFLICT (cooperative_id, flat_code) DO UPDATE SET kiosk_id = excluded.kiosk_id
    ), drawn AS (
      UPDATE cooperatives SET holders_token = gen_random_uuid()
      WHERE id = ${p(5)} AND ${p(7)}::int > 0
      RETURNING holders_token::text AS token
    ), ranged AS (
      INSERT INTO feed_ranges (cooperative_id, kiosk_id, first_seq, last_seq)
      VALUES (${p(5)}, ${p(4)}, ${p(8)}, ${p(1)})
    )
    SELECT (SELECT token FROM drawn) AS token`;
}

/** The statement for `rows` events (kept for the most recent batch sizes). */
export function storeBatchStatement(rows: number): string {
  let text = texts.get(rows);
  if (text === undefined) {
    if (texts.size >= KEEP) texts.clear();
    text = statement(rows);
    texts.set(rows, text);
  }
  return text;
}

/** The tail's parameters, to append after the rows' 12 × n. */
export function batchTailParams(tail: BatchTail): unknown[] {
  return [
    tail.headSeq,
    tail.headHash,
    tail.pushedAt,
    tail.kioskId,
    tail.cooperativeId,
    tail.takenJson,
    tail.moved,
    tail.firstSeq,
  ];
}
