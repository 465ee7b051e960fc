/**
 * The outbox rows' lease protocol: claim (status `sending`, owner, lease deadline), release,
 * reschedule after a transient failure, and the rows whose time ran out.
 * A lease that expired belongs to a crashed (or hung) worker and may be claimed again.
 */
import { and, asc, eq, getTableColumns, gt, inArray, isNull, lt, lte, notInArray, or, type SQL } from "drizzle-orm";
import { rawStatement } from "../../db/client.ts";
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
  /** Also take rows whose lease expired (a crashed worker's); a scan worth doing now and then. */
  reclaim?: boolean;
  /** Quiet hours: only codes (and outage alerts when `urgentToo`). */
  exemptOnly?: { urgentToo: boolean };
  /** Only rows more urgent than this priority (a code overtaking buffered letters). */
  belowPriority?: number;
  /** Rows this worker already holds (their lease may have run out while they waited). */
  exclude?: string[];
}

function filters(q: ClaimQuery, nowIso: string): Array<SQL | undefined> {
  const conditions: Array<SQL | undefined> = [
    eq(outbox.channel, q.channel),
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
  return conditions;
}

/**
 * Claims due rows in priority order. Call inside a transaction. The pending rows are read along
 * the (status, priority, next_attempt_at) index, so the cost does not grow with the table.
 */
export function claimDue(tx: DbOrTx, q: ClaimQuery): OutboxRow[] {
  if (q.limit <= 0) return [];
  const nowIso = q.now.toISOString();
  const rows: OutboxRow[] = [];
  if (q.reclaim) {
    const exclude = q.exclude && q.exclude.length > 0 ? notInArray(outbox.id, q.exclude) : undefined;
    rows.push(
      ...tx
        .select()
        .from(outbox)
        .where(
          and(
            eq(outbox.status, "sending"),
            or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, nowIso)),
            exclude,
            ...filters(q, nowIso),
          ),
        )
        .orderBy(asc(outbox.priority), asc(outbox.nextAttemptAt))
        .limit(q.limit)
        .all(),
    );
  }
  if (rows.length < q.limit) rows.push(...claimPending(tx, q, nowIso, q.limit - rows.length));
  if (rows.length === 0) return rows;
  const leaseUntil = new Date(q.now.getTime() + q.leaseMs).toISOString();
  rawStatement(tx, LEASE).run(q.owner, leaseUntil, nowIso, JSON.stringify(rows.map((r) => r.id)));
  for (const row of rows) {
    row.status = "sending";
    row.leaseOwner = q.owner;
    row.leaseUntil = leaseUntil;
    row.attempts += 1;
  }
  return rows.sort((a, b) => a.priority - b.priority || a.nextAttemptAt.localeCompare(b.nextAttemptAt));
}

/**
 * The claim runs on every pass of the workers, so its two statements are raw and compiled once
 * per connection (one text per filter combination): building them through drizzle on every pass
 * cost more than running them (bench/email.ts). Columns come from the schema, aliased to its keys.
 */
const COLUMNS = Object.entries(getTableColumns(outbox))
  .map(([key, column]) => `"${column.name}" AS "${key}"`)
  .join(", ");
const LEASE =
  "UPDATE outbox SET status = 'sending', lease_owner = ?1, lease_until = ?2, attempts = attempts + 1, updated_at = ?3 WHERE id IN (SELECT value FROM json_each(?4))";

function claimPending(tx: DbOrTx, q: ClaimQuery, nowIso: string, limit: number): OutboxRow[] {
  const params: Array<string | number> = [nowIso, q.channel, limit];
  let where = "status = 'pending' AND next_attempt_at <= ?1 AND channel = ?2 AND expires_at > ?1";
  if (q.exemptOnly) {
    where += q.exemptOnly.urgentToo
      ? " AND (kind = 'otp' OR category IN (SELECT value FROM json_each(?4)))"
      : " AND kind = 'otp'";
    if (q.exemptOnly.urgentToo) params.push(JSON.stringify(URGENT_CATEGORIES));
  }
  if (q.belowPriority !== undefined) {
    params.push(q.belowPriority);
    where += ` AND priority < ?${params.length}`;
  }
  const text = `SELECT ${COLUMNS} FROM outbox WHERE ${where} ORDER BY priority, next_attempt_at LIMIT ?3`;
  return rawStatement(tx, text).all(...params) as OutboxRow[];
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

/**
 * Heartbeat: extends the leases of rows this worker still holds (buffered or in flight), so a
 * slow server never makes a live worker's rows look abandoned.
 */
export function renewLeases(tx: DbOrTx, ids: string[], owner: string, now: Date, leaseMs: number): void {
  if (ids.length === 0) return;
  tx.update(outbox)
    .set({ leaseUntil: new Date(now.getTime() + leaseMs).toISOString() })
    .where(and(inArray(outbox.id, ids), eq(outbox.leaseOwner, owner), eq(outbox.status, "sending")))
    .run();
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
  const pending = tx
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, "pending"), lte(outbox.expiresAt, nowIso)))
    .limit(limit)
    .all();
  const abandoned = tx
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.status, "sending"),
        lte(outbox.expiresAt, nowIso),
        or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, nowIso)),
      ),
    )
    .limit(limit)
    .all();
  return [...pending, ...abandoned];
}
