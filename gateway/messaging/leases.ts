/**
 * The outbox rows' lease protocol: claim (status `sending`, owner, lease deadline), release,
 * reschedule after a transient failure, and the rows whose time ran out.
 * A lease that expired belongs to a crashed (or hung) worker and may be claimed again.
 */
import { and, eq, getTableColumns, inArray } from "drizzle-orm";
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

/**
 * Claims due rows in priority order. Call inside a transaction. The pending rows are read along
 * the (status, priority, next_attempt_at) index, so the cost does not grow with the table.
 *
 * One raw statement per claim (compiled once per connection and filter combination): the UPDATE
 * picks the rows in its subquery and hands them back with RETURNING, already leased. A SELECT
 * followed by an UPDATE of the same ids (sent back as JSON) cost about twice as much
 * (bench/email.ts), and building either through drizzle on every pass cost more than running it.
 */
export function claimDue(tx: DbOrTx, q: ClaimQuery): OutboxRow[] {
  if (q.limit <= 0) return [];
  const nowIso = q.now.toISOString();
  const leaseUntil = new Date(q.now.getTime() + q.leaseMs).toISOString();
  const rows: OutboxRow[] = [];
  // A crashed worker's rows first (their lease ran out), then the pending ones.
  if (q.reclaim) rows.push(...claim(tx, q, "sending", nowIso, leaseUntil, q.limit));
  if (rows.length < q.limit) rows.push(...claim(tx, q, "pending", nowIso, leaseUntil, q.limit - rows.length));
  return rows.sort((a, b) => a.priority - b.priority || a.nextAttemptAt.localeCompare(b.nextAttemptAt));
}

/** Columns come from the schema, aliased to its keys. */
const COLUMNS = Object.entries(getTableColumns(outbox))
  .map(([key, column]) => `"${column.name}" AS "${key}"`)
  .join(", ");

function claim(
  tx: DbOrTx,
  q: ClaimQuery,
  status: "pending" | "sending",
  nowIso: string,
  leaseUntil: string,
  limit: number,
): OutboxRow[] {
  const params: Array<string | number> = [nowIso, q.channel, limit, q.owner, leaseUntil];
  let where =
    status === "pending"
      ? "status = 'pending' AND next_attempt_at <= ?1"
      : "status = 'sending' AND (lease_until IS NULL OR lease_until < ?1)";
  // Expired rows are the sweep's, not the sender's.
  where += " AND channel = ?2 AND expires_at > ?1";
  if (status === "sending" && q.exclude && q.exclude.length > 0) {
    params.push(JSON.stringify(q.exclude));
    where += ` AND id NOT IN (SELECT value FROM json_each(?${params.length}))`;
  }
  if (q.exemptOnly) {
    if (q.exemptOnly.urgentToo) {
      params.push(JSON.stringify(URGENT_CATEGORIES));
      where += ` AND (kind = 'otp' OR category IN (SELECT value FROM json_each(?${params.length})))`;
    } else where += " AND kind = 'otp'";
  }
  if (q.belowPriority !== undefined) {
    params.push(q.belowPriority);
    where += ` AND priority < ?${params.length}`;
  }
  const text = `UPDATE outbox SET status = 'sending', lease_owner = ?4, lease_until = ?5, attempts = attempts + 1,
    updated_at = ?1 WHERE id IN (SELECT id FROM outbox WHERE ${where} ORDER BY priority, next_attempt_at LIMIT ?3)
    RETURNING ${COLUMNS}`;
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
  rawStatement(tx, RENEW).run(new Date(now.getTime() + leaseMs).toISOString(), owner, JSON.stringify(ids));
}

const RENEW = `UPDATE outbox SET lease_until = ?1
  WHERE id IN (SELECT value FROM json_each(?3)) AND lease_owner = ?2 AND status = 'sending'`;

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
  const pending = rawStatement(tx, EXPIRED_PENDING).all(nowIso, limit) as OutboxRow[];
  const abandoned = rawStatement(tx, EXPIRED_ABANDONED).all(nowIso, limit) as OutboxRow[];
  return [...pending, ...abandoned];
}

/** Raw: the workers look every second (drizzle rebuilt both queries each time). */
const EXPIRED_PENDING = `SELECT ${COLUMNS} FROM outbox WHERE status = 'pending' AND expires_at <= ?1 LIMIT ?2`;
const EXPIRED_ABANDONED = `SELECT ${COLUMNS} FROM outbox
  WHERE status = 'sending' AND expires_at <= ?1 AND (lease_until IS NULL OR lease_until < ?1) LIMIT ?2`;
