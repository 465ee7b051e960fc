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
import { chainBreaks, kiosks, registerEvents } from "../db/schema.ts";
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
export const APPLICATIONS = new Set(["enrolled", "contacts_updated", "recipient_replaced", "withdrawn"]);

/** What holds a flat: its kiosk's latest application (seq) and the latest application time among them. */
export interface Holder {
  kioskId: string;
  seq: number;
  appliedAt: string;
}

/** Folds one more application of the holding kiosk into its hold. */
export function withApplication(held: Holder | undefined, a: Holder): Holder {
  if (!held) return { ...a };
  return {
    kioskId: held.kioskId,
    seq: Math.max(held.seq, a.seq),
    appliedAt: Date.parse(a.appliedAt) > Date.parse(held.appliedAt) ? a.appliedAt : held.appliedAt,
  };
}

export type Conflict =
  | {
      rule: "later_application_wins";
      outcome: "replaced";
      replaced: { kiosk: string; seq: number; applied_at: string };
    }
  | { rule: "later_application_wins"; outcome: "superseded"; by: { kiosk: string; seq: number; applied_at: string } };

function laterThan(a: { appliedAt: string; kioskId: string }, b: Holder): boolean {
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
    const accepted: Accepted[] = [];
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
      // The kiosk's row is already ours; move its head before taking the flat locks below.
      await tx
        .update(kiosks)
        .set({ headSeq: head.seq, headHash: head.hash, lastPushAt: at })
        .where(eq(kiosks.id, input.kioskId));
      const decided = await decideFlats(tx, input, accepted);
      const rows = accepted.map((e) => ({
        seq: e.seq,
        type: e.type,
        flat_code: e.flatCode,
        owner_id: e.ownerId,
        payload: e.canonicalPayload,
        occurred_at: e.occurredAt,
        applied_at: e.appliedAt,
        prev_hash: e.prevHash,
        hash: e.hash,
        conflict: decided.conflicts.get(e.seq) ?? null,
      }));
      // One statement, one round trip: the events (one JSON parameter instead of 10 per row, which
      // PostgreSQL unpacks far faster than it binds thousands), the flats that changed hands, and
      // the batch's one unnumbered feed range. Its arrival number is drawn now, after the flat
      // locks, and orders the feed (services/sequenceEvents.ts numbers it once committed).
      await tx.execute(sql`
        WITH stored AS (
          INSERT INTO register_events (cooperative_id, kiosk_id, seq, type, flat_code, owner_id, payload,
            occurred_at, applied_at, prev_hash, hash, conflict)
          SELECT ${input.cooperativeId}, ${input.kioskId}, seq, type, flat_code, owner_id, payload,
            occurred_at, applied_at, prev_hash, hash, conflict
          FROM json_to_recordset(${JSON.stringify(rows)}::text::json) AS x(seq bigint, type text,
            flat_code text, owner_id text, payload text, occurred_at text, applied_at text, prev_hash text,
            hash text, conflict jsonb)
        ), held AS (
          INSERT INTO flat_winners (cooperative_id, flat_code, kiosk_id)
          SELECT ${input.cooperativeId}, f, ${input.kioskId}
          FROM json_array_elements_text(${JSON.stringify(decided.taken)}::text::json) AS f
          ON CONFLICT (cooperative_id, flat_code) DO UPDATE SET kiosk_id = excluded.kiosk_id
        )
        INSERT INTO feed_ranges (cooperative_id, kiosk_id, first_seq, last_seq)
        VALUES (${input.cooperativeId}, ${input.kioskId}, ${accepted[0].seq}, ${head.seq})`);
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

type Accepted = PushedEvent & { canonicalPayload: string; appliedAt: string };
type Tx = Parameters<Parameters<HubDb["transaction"]>[0]>[0];

/**
 * Decides, for the batch's applications, which kiosk holds each flat ("the later application
 * wins"). Returns the conflict each event carries and the flats this kiosk takes (new to the
 * cooperative, or won from another kiosk). A flat this kiosk already holds stays its own without a
 * write; another kiosk's hold is weighed by that kiosk's latest application, read from its events.
 */
async function decideFlats(
  tx: Tx,
  input: { kioskId: string; cooperativeId: string },
  accepted: Accepted[],
): Promise<{ conflicts: Map<number, Conflict>; taken: string[] }> {
  const conflicts = new Map<number, Conflict>();
  const flats = [...new Set(accepted.filter((e) => APPLICATIONS.has(e.type)).map((e) => e.flatCode))];
  if (flats.length === 0) return { conflicts, taken: [] };
  // The flats this batch decides are locked (in one order, so two batches cannot deadlock) for the
  // read-decide-write; the reads below run after the locks, so they see every earlier decision.
  const flatList = JSON.stringify(flats);
  await tx.execute(sql`
    SELECT pg_advisory_xact_lock(k) FROM (
      SELECT DISTINCT hashtextextended(${input.cooperativeId} || '/' || f, 0) AS k
      FROM json_array_elements_text(${flatList}::text::json) AS f ORDER BY k
    ) AS locks`);
  const holders = new Map<string, Holder | "mine">();
  const others: Array<{ flat_code: string; kiosk_id: string }> = [];
  for (const w of (await tx.execute(sql`
    SELECT flat_code, kiosk_id FROM flat_winners
    WHERE cooperative_id = ${input.cooperativeId}
      AND flat_code = ANY (ARRAY(SELECT json_array_elements_text(${flatList}::text::json)))`)) as unknown as Array<{
    flat_code: string;
    kiosk_id: string;
  }>) {
    if (w.kiosk_id === input.kioskId) holders.set(w.flat_code, "mine");
    else others.push(w);
  }
  if (others.length > 0) {
    for (const a of (await tx.execute(sql`
      SELECT e.kiosk_id, e.flat_code, e.seq, e.applied_at FROM register_events e
      JOIN json_to_recordset(${JSON.stringify(others)}::text::json) AS w(flat_code text, kiosk_id text)
        ON e.flat_code = w.flat_code AND e.kiosk_id = w.kiosk_id
      WHERE e.cooperative_id = ${input.cooperativeId}
        AND e.type = ANY (SELECT json_array_elements_text(${JSON.stringify([...APPLICATIONS])}::text::json))`)) as unknown as Array<{
      kiosk_id: string;
      flat_code: string;
      seq: number;
      applied_at: string;
    }>) {
      const held = holders.get(a.flat_code);
      const application = { kioskId: a.kiosk_id, seq: Number(a.seq), appliedAt: a.applied_at };
      holders.set(a.flat_code, withApplication(held === "mine" ? undefined : held, application));
    }
  }
  const taken = new Set<string>();
  for (const e of accepted) {
    if (!APPLICATIONS.has(e.type)) continue;
    const current = holders.get(e.flatCode);
    if (current === "mine") continue;
    if (!current) {
      holders.set(e.flatCode, "mine");
      taken.add(e.flatCode);
      continue;
    }
    const mine = { kioskId: input.kioskId, seq: e.seq, appliedAt: e.appliedAt };
    const at = { kiosk: current.kioskId, seq: current.seq, applied_at: current.appliedAt };
    if (laterThan(mine, current)) {
      conflicts.set(e.seq, { rule: "later_application_wins", outcome: "replaced", replaced: at });
      holders.set(e.flatCode, "mine");
      taken.add(e.flatCode);
    } else {
      conflicts.set(e.seq, { rule: "later_application_wins", outcome: "superseded", by: at });
    }
  }
  return { conflicts, taken: [...taken] };
}
