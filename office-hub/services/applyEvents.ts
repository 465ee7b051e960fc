/**
 * Takes a batch of one kiosk's register events: checks each against the kiosk's chain (sequence,
 * own hash, link to the previous hash), skips resends, applies the good prefix and refuses the
 * rest naming the break. Applications for a flat another kiosk already holds are decided by
 * "the later application wins" (the resident's application time, then the kiosk id) and the
 * event carries the decision in `conflict`.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Clock } from "../../gateway/clock.ts";
import {
  canonicalJson,
  effectiveAt,
  GENESIS_HASH,
  hashWithCanonicalPayload,
  type UnsealedEvent,
} from "../../gateway/domain/registerEvents.ts";
import type { EventsPushBody } from "../../gateway/office/pushContract.ts";
import type { HubDb } from "../db/client.ts";
import { chainBreaks, flatWinners, kiosks, registerEvents } from "../db/schema.ts";
import { sequenceEvents } from "./sequenceEvents.ts";

type PushedEvent = EventsPushBody["events"][number];

export type ProblemKind = "gap" | "hash_conflict" | "bad_hash" | "bad_link";

export interface ChainProblem {
  kind: ProblemKind;
  kiosk: string;
  seq: number;
  expected: string;
  found: string;
}

export interface ApplyEventsAnswer {
  applied: number;
  duplicates: number;
  head_seq: number;
  head_hash: string;
  problem?: ChainProblem;
}

/** Event types a resident's application produces; the others follow the kiosk that holds the flat. */
const APPLICATIONS = new Set(["enrolled", "contacts_updated", "recipient_replaced", "withdrawn"]);

interface Winner {
  kioskId: string;
  seq: number;
  appliedAt: string;
}

export type Conflict =
  | {
      rule: "later_application_wins";
      outcome: "replaced";
      replaced: { kiosk: string; seq: number; applied_at: string };
    }
  | { rule: "later_application_wins"; outcome: "superseded"; by: { kiosk: string; seq: number; applied_at: string } };

function laterThan(a: { appliedAt: string; kioskId: string }, b: Winner): boolean {
  const ta = Date.parse(a.appliedAt);
  const tb = Date.parse(b.appliedAt);
  return ta > tb || (ta === tb && a.kioskId > b.kioskId);
}

export async function applyEvents(
  deps: { db: HubDb; clock: Clock },
  input: { kioskId: string; cooperativeId: string; events: PushedEvent[] },
): Promise<ApplyEventsAnswer> {
  const answer = await store(deps, input);
  // Committed: number what is committed now (skipped if another batch's sequencer is at it).
  if (answer.applied > 0) await sequenceEvents(deps, { cooperativeId: input.cooperativeId, wait: false });
  return answer;
}

async function store(
  deps: { db: HubDb; clock: Clock },
  input: { kioskId: string; cooperativeId: string; events: PushedEvent[] },
): Promise<ApplyEventsAnswer> {
  const at = deps.clock.now().toISOString();
  return deps.db.transaction(async (tx) => {
    const [kiosk] = await tx
      .select({ headSeq: kiosks.headSeq, headHash: kiosks.headHash })
      .from(kiosks)
      .where(eq(kiosks.id, input.kioskId))
      .for("update");
    let head = { seq: kiosk.headSeq, hash: kiosk.headHash };
    const resent = input.events.filter((e) => e.seq <= head.seq).map((e) => e.seq);
    const stored = new Map<number, string>();
    if (resent.length > 0) {
      for (const row of await tx
        .select({ seq: registerEvents.seq, hash: registerEvents.hash })
        .from(registerEvents)
        .where(and(eq(registerEvents.kioskId, input.kioskId), inArray(registerEvents.seq, resent))))
        stored.set(row.seq, row.hash);
    }
    let duplicates = 0;
    let problem: ChainProblem | undefined;
    const accepted: Array<PushedEvent & { canonicalPayload: string; appliedAt: string }> = [];
    for (const event of input.events) {
      const named = (kind: ProblemKind, expected: string, found: string): ChainProblem => ({
        kind,
        kiosk: input.kioskId,
        seq: event.seq,
        expected,
        found,
      });
      if (event.seq <= head.seq) {
        const known = stored.get(event.seq) ?? accepted.find((a) => a.seq === event.seq)?.hash;
        if (known === event.hash) {
          duplicates++;
          continue;
        }
        problem = named("hash_conflict", `hash ${known ?? "(none stored)"}`, `hash ${event.hash}`);
        break;
      }
      if (event.seq > head.seq + 1) {
        problem = named("gap", `seq ${head.seq + 1}`, `seq ${event.seq}`);
        break;
      }
      const canonicalPayload = canonicalJson(event.payload);
      const computed = hashWithCanonicalPayload(event as unknown as UnsealedEvent, canonicalPayload);
      if (computed !== event.hash) {
        problem = named("bad_hash", `hash ${computed}`, `hash ${event.hash}`);
        break;
      }
      if (event.prevHash !== head.hash) {
        problem = named("bad_link", `prevHash ${head.hash}`, `prevHash ${event.prevHash}`);
        break;
      }
      accepted.push({ ...event, canonicalPayload, appliedAt: effectiveAt(event as never) });
      head = { seq: event.seq, hash: event.hash };
    }
    if (problem && problem.kind !== "gap") {
      await tx
        .insert(chainBreaks)
        .values({
          kioskId: problem.kiosk,
          seq: problem.seq,
          kind: problem.kind,
          expected: problem.expected,
          found: problem.found,
          firstAt: at,
          lastAt: at,
        })
        .onConflictDoUpdate({
          target: [chainBreaks.kioskId, chainBreaks.seq, chainBreaks.kind, chainBreaks.found],
          set: { lastAt: at, attempts: sql`${chainBreaks.attempts} + 1` },
        });
    }
    if (accepted.length > 0) {
      // The kiosk's row is already ours; move its head before taking the shared lock below.
      await tx
        .update(kiosks)
        .set({ headSeq: head.seq, headHash: head.hash, lastPushAt: at })
        .where(eq(kiosks.id, input.kioskId));
      // No cooperative-wide lock: batches of one cooperative commit in parallel and the sequencer
      // numbers them afterwards. The flats this batch decides are locked (in one order, so two
      // batches cannot deadlock) for the read-decide-write of the later application.
      const flats = [...new Set(accepted.filter((e) => APPLICATIONS.has(e.type)).map((e) => e.flatCode))];
      if (flats.length > 0) {
        await tx.execute(sql`
          SELECT pg_advisory_xact_lock(k) FROM (
            SELECT DISTINCT hashtextextended(${input.cooperativeId} || '/' || f, 0) AS k
            FROM jsonb_array_elements_text(${JSON.stringify(flats)}::text::jsonb) AS f ORDER BY k
          ) AS locks`);
      }
      const winners = new Map<string, Winner>();
      if (flats.length > 0) {
        for (const w of await tx
          .select()
          .from(flatWinners)
          .where(
            and(
              eq(flatWinners.cooperativeId, input.cooperativeId),
              sql`${flatWinners.flatCode} IN (SELECT jsonb_array_elements_text(${JSON.stringify(flats)}::text::jsonb))`,
            ),
          ))
          winners.set(w.flatCode, { kioskId: w.kioskId, seq: w.seq, appliedAt: w.appliedAt });
      }
      const changed = new Set<string>();
      const rows = accepted.map((e) => {
        let conflict: Conflict | null = null;
        if (APPLICATIONS.has(e.type)) {
          const current = winners.get(e.flatCode);
          const mine = { kioskId: input.kioskId, seq: e.seq, appliedAt: e.appliedAt };
          if (!current || current.kioskId === input.kioskId) {
            winners.set(
              e.flatCode,
              current && !laterThan(mine, current) ? { ...mine, appliedAt: current.appliedAt } : mine,
            );
            changed.add(e.flatCode);
          } else if (laterThan(mine, current)) {
            conflict = {
              rule: "later_application_wins",
              outcome: "replaced",
              replaced: { kiosk: current.kioskId, seq: current.seq, applied_at: current.appliedAt },
            };
            winners.set(e.flatCode, mine);
            changed.add(e.flatCode);
          } else {
            conflict = {
              rule: "later_application_wins",
              outcome: "superseded",
              by: { kiosk: current.kioskId, seq: current.seq, applied_at: current.appliedAt },
            };
          }
        }
        return {
          cooperative_id: input.cooperativeId,
          kiosk_id: input.kioskId,
          seq: e.seq,
          type: e.type,
          flat_code: e.flatCode,
          owner_id: e.ownerId,
          payload: e.canonicalPayload,
          occurred_at: e.occurredAt,
          applied_at: e.appliedAt,
          prev_hash: e.prevHash,
          hash: e.hash,
          conflict,
        };
      });
      const decided = [...changed].map((flatCode) => {
        const w = winners.get(flatCode)!;
        return { flat_code: flatCode, kiosk_id: w.kioskId, seq: w.seq, applied_at: w.appliedAt };
      });
      // One JSON parameter instead of 13 per row (PostgreSQL unpacks it far faster than it binds
      // thousands), and the events and the flat decisions in one statement: one round trip. The rows
      // go in unnumbered; their arrival numbers are drawn now, after the flat locks, and order the feed.
      await tx.execute(sql`
        WITH stored AS (
          INSERT INTO register_events (cooperative_id, kiosk_id, seq, type, flat_code, owner_id, payload,
            occurred_at, applied_at, prev_hash, hash, conflict)
          SELECT cooperative_id, kiosk_id, seq, type, flat_code, owner_id, payload,
            occurred_at, applied_at, prev_hash, hash, conflict
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) AS x(cooperative_id text,
            kiosk_id text, seq bigint, type text, flat_code text, owner_id text, payload text, occurred_at text,
            applied_at text, prev_hash text, hash text, conflict jsonb)
          ORDER BY seq
          RETURNING 1
        )
        INSERT INTO flat_winners (cooperative_id, flat_code, kiosk_id, seq, applied_at)
        SELECT ${input.cooperativeId}, flat_code, kiosk_id, seq, applied_at
        FROM jsonb_to_recordset(${JSON.stringify(decided)}::text::jsonb) AS x(flat_code text, kiosk_id text, seq bigint, applied_at text)
        WHERE (SELECT count(*) FROM stored) > 0
        ON CONFLICT (cooperative_id, flat_code) DO UPDATE
          SET kiosk_id = excluded.kiosk_id, seq = excluded.seq, applied_at = excluded.applied_at`);
    }
    return {
      applied: accepted.length,
      duplicates,
      head_seq: head.seq,
      head_hash: head.seq === 0 ? GENESIS_HASH : head.hash,
      ...(problem ? { problem } : {}),
    };
  });
}
