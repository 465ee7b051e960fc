/**
 * Bounces for the staff console: the unclassified ones first (a person has to read them), and
 * the count of those nobody has looked at yet (also in /healthz, without any address).
 */
import { and, count, desc, eq, isNull } from "drizzle-orm";
import { bounces } from "../../db/schema/index.ts";
import type { DbOrTx } from "../deps.ts";
import { KioskError } from "../errors.ts";

export type BounceRow = typeof bounces.$inferSelect;

export function listBounces(
  deps: { db: DbOrTx },
  input: { kind?: BounceRow["kind"]; limit?: number } = {},
): BounceRow[] {
  return deps.db
    .select()
    .from(bounces)
    .where(input.kind ? eq(bounces.kind, input.kind) : undefined)
    .orderBy(desc(bounces.receivedAt))
    .limit(Math.min(input.limit ?? 100, 500))
    .all();
}

export function unreviewedBounceCount(deps: { db: DbOrTx }): number {
  return (
    deps.db
      .select({ n: count() })
      .from(bounces)
      .where(and(eq(bounces.kind, "unclassified"), isNull(bounces.reviewedAt)))
      .get()?.n ?? 0
  );
}

/** A staff member has read an unclassified bounce (and acted on it by hand if needed). */
export function markBounceReviewed(deps: { db: DbOrTx; clock: { now(): Date } }, input: { id: string; by: string }) {
  const row = deps.db
    .update(bounces)
    .set({ reviewedBy: input.by, reviewedAt: deps.clock.now().toISOString() })
    .where(and(eq(bounces.id, input.id), isNull(bounces.reviewedAt)))
    .returning({ id: bounces.id })
    .get();
  if (!row) throw new KioskError("NOT_FOUND", "no such unreviewed bounce");
  return row;
}
