/** Outbox rows per status and channel, for the office's health summary. */
import { sql } from "drizzle-orm";
import { outbox } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export function outboxCounts(deps: Pick<CoreDeps, "db">): Array<{ status: string; channel: string; n: number }> {
  return deps.db
    .select({ status: outbox.status, channel: outbox.channel, n: sql<number>`count(*)` })
    .from(outbox)
    .groupBy(outbox.status, outbox.channel)
    .all();
}
