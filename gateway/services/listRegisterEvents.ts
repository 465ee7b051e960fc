/**
 * A page of register events after a cursor, already serialised: the payload is stored as
 * canonical JSON, so it is spliced in as is instead of being parsed and printed again, and the
 * rows are read as plain arrays (this is the office's bulk path; see bench/sync.ts).
 */
import { rawStatement } from "../../db/client.ts";
import type { CoreDeps } from "../deps.ts";

export interface EventsPage {
  /** JSON text `{"events":[...],"next_cursor":n,"head_seq":n,"has_more":b}`. */
  json: string;
  count: number;
}

const PLAIN = /^[\w.:@+-]*$/;

/** JSON string literal; skips JSON.stringify for the common plain identifiers. */
function quote(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

type EventRow = [number, string, string, string | null, string, string, string, string];

export function listRegisterEvents(deps: Pick<CoreDeps, "db">, input: { after: number; limit: number }): EventsPage {
  const rows = rawStatement(
    deps.db,
    "SELECT seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash FROM register_events WHERE seq > ? ORDER BY seq LIMIT ?",
  ).values(input.after, input.limit) as EventRow[];
  const head = rawStatement(deps.db, "SELECT max(seq) AS seq FROM register_events").get() as { seq: number | null };
  const headSeq = head.seq ?? 0;
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [seq, type, flatCode, ownerId, payload, occurredAt, prevHash, hash] = rows[i];
    // Hashes are hex and occurredAt an ISO instant (no escaping needed); the rest may need it.
    parts[i] =
      `{"seq":${seq},"type":${quote(type)},"flatCode":${quote(flatCode)},"ownerId":${ownerId === null ? "null" : quote(ownerId)},"payload":${payload},"occurredAt":"${occurredAt}","prevHash":"${prevHash}","hash":"${hash}"}`;
  }
  const next = rows.length > 0 ? rows[rows.length - 1][0] : input.after;
  return {
    json: `{"events":[${parts.join(",")}],"next_cursor":${next},"head_seq":${headSeq},"has_more":${next < headSeq}}`,
    count: rows.length,
  };
}
