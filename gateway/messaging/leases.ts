/**
 * The outbox rows' lease protocol: claim (status `sending`, owner, lease deadline), release,
 * reschedule after a transient failure, and the rows whose time ran out.
 * A lease that expired belongs to a crashed (or hung) worker and may be claimed again.
 */
import { and, asc, eq, gt, inArray, isNull, lt, lte, notInArray, or, type SQL } from "drizzle-orm";
import { outbox } from "../../db/schema/index.ts";
import type { DbOrTx } from "../deps.ts";
import { URGENT_CATEGORIES } from "./schedule.ts";

export type OutboxRow = typeof outbox.$inferSelect;

export interface ClaimQuery {
  channel: "email" | "sms";
  owner: string;
  now: Date;
  leaseMs: number;
  limit: number;
  /** Quiet hours: only codes (and outage alerts when `urgentToo`). */
  exemptOnly?: { urgentToo: boolean };
  /** Only rows more urgent than this priority (a code overtaking buffered letters). */
  belowPriority?: number;
  /** Rows this worker already holds. */
  exclude?: string[];
}

/** Claims due rows in priority order. Call inside a transaction. */
export function claimDue(tx: DbOrTx, q: ClaimQuery): OutboxRow[] {
  if (q.limit <= 0) return [];
  const nowIso = q.now.toISOString();
  const conditions: Array<SQL | undefined> = [
    eq(outbox.channel, q.channel),
    or(
      and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, nowIso)),
      and(eq(outbox.status, "sending"), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, nowIso))),
    ),
    // Expired rows are the sweep's, not the sender's.
    gt(outbox.expiresAt, nowIso),
  ];
  if (q.exemptOnly) {
    conditions.push(
      q.exemptOnly.urgentToo
        ? or(eq(outbox.kind, "otp"), inArray(outbox.category, [...URGENT_CATEGORIES]))
        : eq(outbox.kind, "otp"),
    );
  }
  if (q.belowPriority !== undefined) conditions.push(lt(outbox.priority, q.belowPriority));
  if (q.exclude && q.exclude.length > 0) conditions.push(notInArray(outbox.id, q.exclude));
  const rows = tx
    .select()
    .from(outbox)
    .where(and(...conditions))
    .orderBy(asc(outbox.priority), asc(outbox.nextAttemptAt))
    .limit(q.limit)
    .all();
  if (rows.length === 0) return rows;
  const leaseUntil = new Date(q.now.getTime() + q.leaseMs).toISOString();
  for (const row of rows) {
    tx.update(outbox)
      .set({ status: "sending", leaseOwner: q.owner, leaseUntil, attempts: row.attempts + 1, updatedAt: nowIso })
      .where(eq(outbox.id, row.id))
      .run();
    row.status = "sending";
    row.leaseOwner = q.owner;
    row.leaseUntil = leaseUntil;
    row.attempts += 1;
  }
  return rows;
}

/** Gives claimed-but-unsent rows back (shutdown, quiet hours began); the attempt is not counted. */
export function release(tx: DbOrTx, rows: OutboxRow[], owner: string, now: Date): void {
  for (const row of rows) {
    tx.update(outbox)
      .set({
        status: "pending",
        leaseOwner: null,
        leaseUntil: null,
        attempts: row.attempts - 1,
        updatedAt: now.toISOString(),
      })
      .where(and(eq(outbox.id, row.id), eq(outbox.leaseOwner, owner), eq(outbox.status, "sending")))
      .run();
  }
}

/** A transient failure: back to `pending` until `at`. */
export function reschedule(tx: DbOrTx, id: string, at: Date, error: string, now: Date): void {
  tx.update(outbox)
    .set({
      status: "pending",
      nextAttemptAt: at.toISOString(),
      lastError: error,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ["pending", "sending"])))
    .run();
}

/** Rows still undelivered whose time ran out (not leased by a live worker). */
export function expiredRows(tx: DbOrTx, now: Date, limit: number): OutboxRow[] {
  const nowIso = now.toISOString();
  return tx
    .select()
    .from(outbox)
    .where(
      and(
        lte(outbox.expiresAt, nowIso),
        or(
          eq(outbox.status, "pending"),
          and(eq(outbox.status, "sending"), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, nowIso))),
        ),
      ),
    )
    .limit(limit)
    .all();
}
