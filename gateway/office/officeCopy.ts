/**
 * The office's copy of the register (the reference CLI's local SQLite and the test office
 * receiver): applies events strictly in order, deduplicating by sequence number and hash, and
 * verifies the chain. The copy uses the gateway's own schema (register_events, deliveries).
 */
import { asc, desc, eq, max, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { deliveries, registerEvents, syncCursors } from "../../db/schema/index.ts";
import {
  type ChainVerdict,
  type ConsentEvent,
  canonicalJson,
  GENESIS_HASH,
  hashEvent,
  verifyChain,
} from "../domain/registerEvents.ts";
import type { DeliveryChange } from "../services/listDeliveries.ts";
import { rowToEvent } from "../services/register.ts";

export interface ApplyResult {
  applied: number;
  duplicates: number;
  head_seq: number;
  head_hash: string;
  /** Why applying stopped early: a gap (we need older events first) or a conflicting event. */
  problem?: { kind: "gap" | "hash_conflict" | "bad_hash" | "bad_link"; seq: number };
}

export function copyHead(db: Db): { seq: number; hash: string } {
  const head = db
    .select({ seq: registerEvents.seq, hash: registerEvents.hash })
    .from(registerEvents)
    .orderBy(desc(registerEvents.seq))
    .get();
  return head ?? { seq: 0, hash: GENESIS_HASH };
}

export function applyEvents(db: Db, events: ConsentEvent[]): ApplyResult {
  const p = (name: string) => sql.placeholder(name);
  const insert = db
    .insert(registerEvents)
    .values({
      seq: p("seq"),
      type: p("type"),
      flatCode: p("flatCode"),
      ownerId: p("ownerId"),
      payload: p("payload"),
      occurredAt: p("occurredAt"),
      prevHash: p("prevHash"),
      hash: p("hash"),
    })
    .prepare();
  return db.transaction((tx) => {
    let head = tx
      .select({ seq: registerEvents.seq, hash: registerEvents.hash })
      .from(registerEvents)
      .orderBy(desc(registerEvents.seq))
      .get() ?? {
      seq: 0,
      hash: GENESIS_HASH,
    };
    let applied = 0;
    let duplicates = 0;
    let problem: ApplyResult["problem"];
    for (const event of events) {
      if (event.seq <= head.seq) {
        const stored = tx
          .select({ hash: registerEvents.hash })
          .from(registerEvents)
          .where(eq(registerEvents.seq, event.seq))
          .get();
        if (stored?.hash === event.hash) {
          duplicates++;
          continue;
        }
        problem = { kind: "hash_conflict", seq: event.seq };
        break;
      }
      if (event.seq > head.seq + 1) {
        problem = { kind: "gap", seq: event.seq };
        break;
      }
      if (hashEvent(event) !== event.hash) {
        problem = { kind: "bad_hash", seq: event.seq };
        break;
      }
      if (event.prevHash !== head.hash) {
        problem = { kind: "bad_link", seq: event.seq };
        break;
      }
      insert.run({
        seq: event.seq,
        type: event.type,
        flatCode: event.flatCode,
        ownerId: event.ownerId,
        payload: canonicalJson(event.payload),
        occurredAt: event.occurredAt,
        prevHash: event.prevHash,
        hash: event.hash,
      });
      head = { seq: event.seq, hash: event.hash };
      applied++;
    }
    return { applied, duplicates, head_seq: head.seq, head_hash: head.hash, ...(problem ? { problem } : {}) };
  });
}

export function copyEvents(db: Db): ConsentEvent[] {
  return db.select().from(registerEvents).orderBy(asc(registerEvents.seq)).all().map(rowToEvent);
}

export function verifyCopy(db: Db): ChainVerdict {
  return verifyChain(copyEvents(db));
}

/**
 * Stores delivery changes by their gateway sequence number (a repeat is ignored); `head_seq` is
 * the highest one held, the push contract's answer.
 */
export function applyDeliveries(
  db: Db,
  changes: DeliveryChange[],
): { applied: number; duplicates: number; last_seq: number; head_seq: number } {
  return db.transaction((tx) => {
    let applied = 0;
    let last = 0;
    for (const c of changes) {
      const inserted = tx
        .insert(deliveries)
        .values({
          seq: c.seq,
          messageId: c.message_id,
          correspondenceId: c.correspondence_id,
          channel: c.channel,
          status: c.status,
          reason: c.reason,
          at: c.at,
        })
        .onConflictDoNothing()
        .returning({ seq: deliveries.seq })
        .all();
      applied += inserted.length;
      last = Math.max(last, c.seq);
    }
    const head =
      tx
        .select({ seq: max(deliveries.seq) })
        .from(deliveries)
        .get()?.seq ?? 0;
    return { applied, duplicates: changes.length - applied, last_seq: last, head_seq: head };
  });
}

export function readCursor(db: Db, name: string): number {
  const row = db.select().from(syncCursors).where(eq(syncCursors.name, name)).get();
  return row ? Number(row.value) : 0;
}

export function writeCursor(db: Db, name: string, value: number, at: string): void {
  // A cursor is a sequence number: NaN or a fraction would silently resend or skip forever.
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`cursor ${name} cannot be ${value}`);
  db.insert(syncCursors)
    .values({ name, value: String(value), updatedAt: at })
    .onConflictDoUpdate({ target: syncCursors.name, set: { value: String(value), updatedAt: at } })
    .run();
}
