/**
 * What the cooperative's office reads: the register feed across its kiosks (by the
 * cooperative's sequence), each flat's current state, the deliveries feed, the paper list of a
 * day and the kiosks' push state with any refused chain breaks.
 */
import { and, asc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import { applyEvent, emptyConsent, type FlatConsent } from "../../gateway/domain/consentState.ts";
import type { ConsentEvent } from "../../gateway/domain/registerEvents.ts";
import { localMidnight } from "../../gateway/domain/routing.ts";
import type { DeliveriesPushBody } from "../../gateway/office/pushContract.ts";
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
import { APPLICATIONS, type Holder, withApplication } from "./applyEvents.ts";
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

/**
 * Letters that go by post on one local day, across the cooperative's kiosks: routed to paper on
 * arrival, or fallen back to paper after an email/SMS failed, with the flat's address and owners'
 * names as the kiosk sent them with the change (personal data: the signed office API only).
 */
export async function hubPaperList(
  deps: { db: HubDb; timezone: string },
  input: { cooperativeId: string; date: string },
) {
  const next = new Date(Date.parse(`${input.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const from = new Date(localMidnight(input.date, deps.timezone)).toISOString();
  const to = new Date(localMidnight(next, deps.timezone)).toISOString();
  const rows = await deps.db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.cooperativeId, input.cooperativeId),
        eq(deliveries.status, "paper"),
        gte(deliveries.at, from),
        lt(deliveries.at, to),
      ),
    )
    .orderBy(asc(deliveries.at), asc(deliveries.coopSeq));
  const seen = new Set<string>();
  const items = [];
  for (const r of rows) {
    const id = r.correspondenceId ?? r.messageId;
    if (seen.has(id)) continue;
    seen.add(id);
    const routed = r.messageId === `corr:${r.correspondenceId}:paper`;
    const letter = r.letter as DeliveriesPushBody["changes"][number]["letter"] | null;
    items.push({
      correspondence_id: r.correspondenceId ?? r.messageId,
      kiosk: r.kioskId,
      flat: letter?.flat ?? null,
      address: letter?.address ?? null,
      owners: letter?.owners ?? [],
      category: letter?.category ?? null,
      subject: letter?.subject ?? null,
      generated_at: letter?.generated_at ?? null,
      reason: r.reason ?? (routed ? "routed" : `${r.channel}_failed`),
      source: routed ? ("routed" as const) : ("fallback" as const),
      at: r.at,
    });
  }
  // In posting order: by address (letters without one last), then by letter.
  return items.sort(
    (a, b) =>
      (a.address ?? "\uffff").localeCompare(b.address ?? "\uffff", "pl") ||
      a.correspondence_id.localeCompare(b.correspondence_id),
  );
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
