/**
 * What the cooperative's office reads: the register feed across its kiosks (by the
 * cooperative's sequence), each flat's current state, the deliveries feed and the kiosks' push
 * state with any refused chain breaks. The paper list is in paperList.ts.
 */
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { applyEvent, emptyConsent, type FlatConsent } from "../../gateway/domain/consentState.ts";
import type { ConsentEvent } from "../../gateway/domain/registerEvents.ts";
import type { HubDb } from "../db/client.ts";
import {
  chainBreaks,
  deliveries,
  feedRanges,
  flatWinners,
  kioskPublicKeys,
  kiosks,
  registerEvents,
} from "../db/schema.ts";
import { APPLICATIONS, type Holder, withApplication } from "./flatHolders.ts";
import { sequenceEvents } from "./sequenceEvents.ts";

type EventRow = typeof registerEvents.$inferSelect;

function toEvent(row: EventRow): ConsentEvent {
  return {
    seq: row.seq,
    type: row.type,
    flatCode: row.flatCode,
    ownerId: row.ownerId,
    payload: JSON.parse(row.payload),
    occurredAt: row.occurredAt,
    prevHash: row.prevHash,
    hash: row.hash,
  } as ConsentEvent;
}

export async function listCoopEvents(
  deps: { db: HubDb },
  input: { cooperativeId: string; after: number; limit: number },
) {
  // Ranges committed but not yet numbered (a push's sequencer skipped, or the hub died between) get
  // their numbers first; unnumbered ranges are never served.
  await sequenceEvents(deps, { cooperativeId: input.cooperativeId, wait: true });
  // Each range holds at least one event past `after`, so `limit` ranges cover the page; take
  // just the part of each the page needs.
  const ranges = await deps.db
    .select()
    .from(feedRanges)
    .where(and(eq(feedRanges.cooperativeId, input.cooperativeId), gt(feedRanges.coopLast, input.after)))
    .orderBy(asc(feedRanges.coopLast))
    .limit(input.limit);
  const windows: Array<{ kiosk_id: string; lo: number; hi: number; base: number }> = [];
  let wanted = input.limit;
  for (const r of ranges) {
    if (wanted === 0) break;
    const first = Math.max(r.coopFirst!, input.after + 1);
    const last = Math.min(r.coopLast!, first + wanted - 1);
    const base = r.firstSeq - r.coopFirst!;
    windows.push({ kiosk_id: r.kioskId, lo: first + base, hi: last + base, base });
    wanted -= last - first + 1;
  }
  const rows =
    windows.length === 0
      ? []
      : await deps.db
          .select({ e: registerEvents, cursor: sql<number>`${registerEvents.seq} - w.base`.mapWith(Number) })
          .from(registerEvents)
          .innerJoin(
            sql`json_to_recordset(${JSON.stringify(windows)}::text::json) AS w(kiosk_id text, lo bigint, hi bigint, base bigint)`,
            sql`${registerEvents.kioskId} = w.kiosk_id AND ${registerEvents.seq} BETWEEN w.lo AND w.hi`,
          )
          .orderBy(sql`${registerEvents.seq} - w.base`);
  const next = rows.length > 0 ? rows[rows.length - 1].cursor : input.after;
  return {
    events: rows.map(({ e, cursor }) => ({
      cursor,
      kiosk: e.kioskId,
      applied_at: e.appliedAt,
      ...toEvent(e),
      ...(e.conflict ? { conflict: e.conflict } : {}),
    })),
    next_cursor: next,
    has_more: rows.length === input.limit,
  };
}

export type HubFlat = FlatConsent & { kiosk: string; decidedBySeq: number; appliedAt: string };

/** Each flat's state: the state kept by the kiosk whose latest application is the latest. */
export async function flatRegister(
  deps: { db: HubDb; graceDays: number },
  input: { cooperativeId: string; flat?: string },
): Promise<HubFlat[]> {
  const winners = await deps.db
    .select()
    .from(flatWinners)
    .where(
      and(
        eq(flatWinners.cooperativeId, input.cooperativeId),
        input.flat ? eq(flatWinners.flatCode, input.flat) : undefined,
      ),
    )
    .orderBy(asc(flatWinners.flatCode));
  if (winners.length === 0) return [];
  const rows = await deps.db
    .select({ e: registerEvents })
    .from(registerEvents)
    .innerJoin(
      flatWinners,
      and(
        eq(flatWinners.cooperativeId, registerEvents.cooperativeId),
        eq(flatWinners.flatCode, registerEvents.flatCode),
        eq(flatWinners.kioskId, registerEvents.kioskId),
      ),
    )
    .where(
      and(
        eq(registerEvents.cooperativeId, input.cooperativeId),
        input.flat ? eq(registerEvents.flatCode, input.flat) : undefined,
      ),
    )
    .orderBy(asc(registerEvents.kioskId), asc(registerEvents.seq));
  const states = new Map<string, FlatConsent>();
  const holds = new Map<string, Holder>();
  for (const { e } of rows) {
    states.set(e.flatCode, applyEvent(states.get(e.flatCode) ?? emptyConsent(e.flatCode), toEvent(e), deps.graceDays));
    if (APPLICATIONS.has(e.type))
      holds.set(
        e.flatCode,
        withApplication(holds.get(e.flatCode), { kioskId: e.kioskId, seq: e.seq, appliedAt: e.appliedAt }),
      );
  }
  return winners.map((w) => ({
    ...(states.get(w.flatCode) ?? emptyConsent(w.flatCode)),
    kiosk: w.kioskId,
    decidedBySeq: holds.get(w.flatCode)?.seq ?? 0,
    appliedAt: holds.get(w.flatCode)?.appliedAt ?? "",
  }));
}

export async function listCoopDeliveries(
  deps: { db: HubDb },
  input: { cooperativeId: string; after: number; limit: number },
) {
  const rows = await deps.db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.cooperativeId, input.cooperativeId), gt(deliveries.coopSeq, input.after)))
    .orderBy(asc(deliveries.coopSeq))
    .limit(input.limit);
  return {
    changes: rows.map((r) => ({
      cursor: r.coopSeq,
      kiosk: r.kioskId,
      seq: r.seq,
      message_id: r.messageId,
      correspondence_id: r.correspondenceId,
      channel: r.channel,
      status: r.status,
      reason: r.reason,
      at: r.at,
    })),
    next_cursor: rows.length > 0 ? rows[rows.length - 1].coopSeq : input.after,
    has_more: rows.length === input.limit,
  };
}

/** PostgreSQL's text form of a timestamptz ("2026-03-02 23:30:00+00") as an ISO 8601 instant. */
function isoInstant(text: string): string {
  return new Date(text.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")).toISOString();
}

export async function listKiosks(deps: { db: HubDb }, input: { cooperativeId: string }) {
  const rows = await deps.db
    .select()
    .from(kiosks)
    .where(eq(kiosks.cooperativeId, input.cooperativeId))
    .orderBy(asc(kiosks.id));
  const ids = rows.map((k) => k.id);
  const breaks =
    ids.length === 0
      ? []
      : await deps.db
          .select()
          .from(chainBreaks)
          .where(inArray(chainBreaks.kioskId, ids))
          .orderBy(asc(chainBreaks.kioskId), asc(chainBreaks.seq));
  return rows.map((k) => ({
    kiosk: k.id,
    head_seq: k.headSeq,
    head_hash: k.headHash,
    deliveries_seq: k.deliveriesSeq,
    last_push_at: k.lastPushAt === null ? null : isoInstant(k.lastPushAt),
    chain_breaks: breaks
      .filter((b) => b.kioskId === k.id)
      .map((b) => ({
        seq: b.seq,
        kind: b.kind,
        expected: b.expected,
        found: b.found,
        first_at: isoInstant(b.firstAt),
        last_at: isoInstant(b.lastAt),
        attempts: b.attempts,
      })),
  }));
}

export async function countEvents(deps: { db: HubDb }): Promise<number> {
  const [row] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(registerEvents);
  return row.n;
}

/** The kiosks' public receipt keys (JWK), per kiosk, so the office can verify a printed slip. */
export async function listKioskKeys(deps: { db: HubDb }, input: { cooperativeId: string }) {
  const rows = await deps.db
    .select({ kiosk: kioskPublicKeys.kioskId, jwk: kioskPublicKeys.jwk })
    .from(kioskPublicKeys)
    .innerJoin(kiosks, eq(kiosks.id, kioskPublicKeys.kioskId))
    .where(eq(kiosks.cooperativeId, input.cooperativeId))
    .orderBy(asc(kioskPublicKeys.kioskId), asc(kioskPublicKeys.kid));
  return rows.map((r) => ({ kiosk: r.kiosk, ...(r.jwk as Record<string, unknown>) }));
}
