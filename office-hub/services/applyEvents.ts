/**
 * Takes a batch of one kiosk's register events: checks each against the kiosk's chain (sequence,
 * own hash, link to the previous hash), skips resends, applies the good prefix and refuses the
 * rest naming the break. Applications for a flat another kiosk already holds are decided by
 * "the later application wins" (flatHolders.ts) and the event carries the decision in `conflict`.
 *
 * This is the hub's hot path, so it speaks SQL to Bun's driver directly (no query building per
 * batch) in four statements: lock the kiosk's row and the batch's flats, read the holders of the
 * flats the process does not know the kiosk holds (flatHolders.ts), store everything, and the
 * sequencer's short transaction after the commit.
 */
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
import { batchTailParams, EVENT_COLUMNS, storeBatchStatement } from "../db/storeBatch.ts";
import { APPLICATIONS, decideFlats, type HeldFlats } from "./flatHolders.ts";
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

interface Accepted {
  event: PushedEvent;
  seq: number;
  type: string;
  flatCode: string;
  canonicalPayload: string;
  appliedAt: string;
}

export interface ApplyEventsDeps {
  db: HubDb;
  clock: Clock;
  /** The flats each kiosk is known to hold, shared by the hub process's requests. */
  heldFlats: HeldFlats;
  /** Cooperatives whose sequencer this process is running after a push. */
  sequencing: Set<string>;
}

export async function applyEvents(
  deps: ApplyEventsDeps,
  input: { kioskId: string; cooperativeId: string; events: PushedEvent[] },
): Promise<ApplyEventsAnswer> {
  const { answer, held } = await store(deps, input);
  // Committed: remember what the kiosk holds, and number what is committed now (skipped if
  // another batch's sequencer is at it).
  if (held) deps.heldFlats.remember(input.kioskId, held.token, held.flats);
  // A second run beside one of this process would only find the lock taken and skip (three round
  // trips for nothing); what the running one does not see, the next push or feed read numbers.
  const { cooperativeId } = input;
  if (answer.applied > 0 && !deps.sequencing.has(cooperativeId)) {
    deps.sequencing.add(cooperativeId);
    try {
      await sequenceEvents(deps, { cooperativeId, wait: false });
    } finally {
      deps.sequencing.delete(cooperativeId);
    }
  }
  return answer;
}

function chainProblem(kind: ProblemKind, kiosk: string, seq: number, expected: string, found: string): ChainProblem {
  return { kind, kiosk, seq, expected, found };
}

async function store(
  deps: ApplyEventsDeps,
  input: { kioskId: string; cooperativeId: string; events: PushedEvent[] },
): Promise<{ answer: ApplyEventsAnswer; held?: { token: string; flats: string[] } }> {
  const at = deps.clock.now().toISOString();
  const { kioskId, cooperativeId } = input;
  // Every flat the batch applies for is locked (in one order, so two batches cannot deadlock)
  // right after the kiosk's row, for the read-decide-write of the later application.
  const flats = [...new Set(input.events.filter((e) => APPLICATIONS.has(e.type)).map((e) => e.flatCode))];
  return deps.db.$client.begin(async (tx) => {
    const [kiosk] = await tx`
      SELECT head_seq, head_hash, (
        SELECT count(pg_advisory_xact_lock(k)) FROM (
          SELECT DISTINCT hashtextextended(${cooperativeId} || '/' || f, 0) AS k
          FROM json_array_elements_text(${JSON.stringify(flats)}::text::json) AS f ORDER BY k
        ) AS ordered
      ) AS locked
      FROM kiosks WHERE id = ${kioskId} FOR UPDATE`;
    let head = { seq: Number(kiosk.head_seq), hash: kiosk.head_hash as string };
    const resent = input.events.filter((e) => e.seq <= head.seq).map((e) => e.seq);
    const stored = new Map<number, string>();
    if (resent.length > 0) {
      for (const row of await tx`
        SELECT seq, hash FROM register_events
        WHERE kiosk_id = ${kioskId} AND seq BETWEEN ${Math.min(...resent)} AND ${Math.max(...resent)}`)
        stored.set(Number(row.seq), row.hash);
    }
    let duplicates = 0;
    let problem: ChainProblem | undefined;
    const accepted: Accepted[] = [];
    for (const event of input.events) {
      const { seq } = event;
      if (seq <= head.seq) {
        const known = stored.get(seq) ?? accepted.find((a) => a.seq === seq)?.event.hash;
        if (known === event.hash) {
          duplicates++;
          continue;
        }
        problem = chainProblem("hash_conflict", kioskId, seq, `hash ${known ?? "(none stored)"}`, `hash ${event.hash}`);
        break;
      }
      if (seq > head.seq + 1) {
        problem = chainProblem("gap", kioskId, seq, `seq ${head.seq + 1}`, `seq ${seq}`);
        break;
      }
      const canonicalPayload = canonicalJson(event.payload);
      const computed = hashWithCanonicalPayload(event as unknown as UnsealedEvent, canonicalPayload);
      if (computed !== event.hash) {
        problem = chainProblem("bad_hash", kioskId, seq, `hash ${computed}`, `hash ${event.hash}`);
        break;
      }
      if (event.prevHash !== head.hash) {
        problem = chainProblem("bad_link", kioskId, seq, `prevHash ${head.hash}`, `prevHash ${event.prevHash}`);
        break;
      }
      const appliedAt = effectiveAt(event as never);
      accepted.push({ event, seq, type: event.type, flatCode: event.flatCode, canonicalPayload, appliedAt });
      head = { seq, hash: event.hash };
    }
    if (problem && problem.kind !== "gap") {
      await tx`
        INSERT INTO chain_breaks (kiosk_id, seq, kind, expected, found, first_at, last_at)
        VALUES (${kioskId}, ${problem.seq}, ${problem.kind}, ${problem.expected}, ${problem.found}, ${at}, ${at})
        ON CONFLICT (kiosk_id, seq, kind, found) DO UPDATE
          SET last_at = excluded.last_at, attempts = chain_breaks.attempts + 1`;
    }
    if (accepted.length === 0) return { answer: headAnswer(0, duplicates, head, problem) };
    const decided = await decideFlats(tx, input, accepted, deps.heldFlats);
    // The rows' 12 values each (EVENT_COLUMNS' order), then the rest of the statement's.
    const params: unknown[] = new Array(accepted.length * EVENT_COLUMNS.length);
    let i = 0;
    for (const { event: e, canonicalPayload, appliedAt } of accepted) {
      params[i++] = cooperativeId;
      params[i++] = kioskId;
      params[i++] = e.seq;
      params[i++] = e.type;
      params[i++] = e.flatCode;
      params[i++] = e.ownerId;
      params[i++] = canonicalPayload;
      params[i++] = e.occurredAt;
      params[i++] = appliedAt;
      params[i++] = e.prevHash;
      params[i++] = e.hash;
      // The object itself: the driver serialises it for the jsonb column once (a JSON string would be stored as a string).
      params[i++] = decided.conflicts.get(e.seq) ?? null;
    }
    const tail = batchTailParams({
      headSeq: head.seq,
      headHash: head.hash,
      pushedAt: at,
      kioskId,
      cooperativeId,
      takenJson: JSON.stringify(decided.taken),
      moved: decided.moved,
      firstSeq: accepted[0].seq,
    });
    // One statement, one round trip (db/storeBatch.ts).
    const [written] = await tx.unsafe(storeBatchStatement(accepted.length), params.concat(tail));
    const answer = headAnswer(accepted.length, duplicates, head, problem);
    if (decided.held.flats.length === 0) return { answer };
    return { answer, held: { token: written.token ?? decided.held.token, flats: decided.held.flats } };
  });
}

function headAnswer(
  applied: number,
  duplicates: number,
  head: { seq: number; hash: string },
  problem: ChainProblem | undefined,
): ApplyEventsAnswer {
  return {
    applied,
    duplicates,
    head_seq: head.seq,
    head_hash: head.seq === 0 ? GENESIS_HASH : head.hash,
    ...(problem ? { problem } : {}),
  };
}
