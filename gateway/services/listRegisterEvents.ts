/**
 * A page of register events after a cursor, already serialised: the payload is stored as
 * canonical JSON, so it is spliced in as is instead of being parsed and printed again.
 */
import { asc, desc, gt } from "drizzle-orm";
import { registerEvents } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export interface EventsPage {
  /** JSON text `{"events":[...],"next_cursor":n,"head_seq":n,"has_more":b}`. */
  json: string;
  count: number;
}

export function listRegisterEvents(deps: Pick<CoreDeps, "db">, input: { after: number; limit: number }): EventsPage {
  const rows = deps.db
    .select()
    .from(registerEvents)
    .where(gt(registerEvents.seq, input.after))
    .orderBy(asc(registerEvents.seq))
    .limit(input.limit)
    .all();
  const head = deps.db.select({ seq: registerEvents.seq }).from(registerEvents).orderBy(desc(registerEvents.seq)).get();
  const headSeq = head?.seq ?? 0;
  const parts: string[] = [];
  for (const r of rows) {
    parts.push(
      `{"seq":${r.seq},"type":${JSON.stringify(r.type)},"flatCode":${JSON.stringify(r.flatCode)},"ownerId":${JSON.stringify(r.ownerId)},"payload":${r.payload},"occurredAt":${JSON.stringify(r.occurredAt)},"prevHash":"${r.prevHash}","hash":"${r.hash}"}`,
    );
  }
  const next = rows.length > 0 ? rows[rows.length - 1].seq : input.after;
  return {
    json: `{"events":[${parts.join(",")}],"next_cursor":${next},"head_seq":${headSeq},"has_more":${next < headSeq}}`,
    count: rows.length,
  };
}
