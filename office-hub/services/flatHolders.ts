/**
 * "The later application wins" across a cooperative's kiosks: which kiosk holds each flat, and what
 * an application from another kiosk says about it. A flat is held by the kiosk whose latest
 * application is the latest (the resident's application time, then the kiosk id); that kiosk's
 * events are the flat's state. `flat_winners` names the holder only, so it is written when a flat
 * gets its first application or changes hands, not on every event.
 *
 * Looking up each flat of a batch cost PostgreSQL about 2.5 µs per flat, so a hub process
 * remembers which flats each kiosk holds (HeldFlats) and looks up only the others. What it
 * remembers is tied to the cooperative's `holders_token`, which every change of hands draws anew
 * in the same transaction: a token read after the batch's flat locks that equals the remembered
 * one proves none of the remembered flats has left the kiosk since, whichever hub process moved it.
 */
import type { HubTx } from "../db/client.ts";

/** Event types a resident's application produces; the others follow the kiosk that holds the flat. */
export const APPLICATIONS = new Set(["enrolled", "contacts_updated", "recipient_replaced", "withdrawn"]);

/** What holds a flat: its kiosk's latest application (seq) and the latest application time among them. */
export interface Holder {
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

/** Folds one more application of the holding kiosk into its hold. */
export function withApplication(held: Holder | undefined, a: Holder): Holder {
  if (!held) return { ...a };
  return {
    kioskId: held.kioskId,
    seq: Math.max(held.seq, a.seq),
    appliedAt: Date.parse(a.appliedAt) > Date.parse(held.appliedAt) ? a.appliedAt : held.appliedAt,
  };
}

function laterThan(a: { appliedAt: string; kioskId: string }, b: Holder): boolean {
  const ta = Date.parse(a.appliedAt);
  const tb = Date.parse(b.appliedAt);
  return ta > tb || (ta === tb && a.kioskId > b.kioskId);
}

interface Application {
  seq: number;
  type: string;
  flatCode: string;
  appliedAt: string;
}

/**
 * The flats each kiosk was seen to hold, under the cooperative's holders token of that moment. Filled
 * only after a commit; bounded (forgets everything past `limit` flats, and looks them up again).
 */
export class HeldFlats {
  readonly #kiosks = new Map<string, { token: string; flats: Set<string> }>();
  #size = 0;

  constructor(readonly limit = 1_000_000) {}

  /** The flats `kioskId` holds if the token is still `token`; undefined when nothing is known. */
  of(kioskId: string): { token: string; flats: ReadonlySet<string> } | undefined {
    return this.#kiosks.get(kioskId);
  }

  remember(kioskId: string, token: string, flats: Iterable<string>): void {
    let entry = this.#kiosks.get(kioskId);
    if (!entry || entry.token !== token) {
      this.#size -= entry?.flats.size ?? 0;
      entry = { token, flats: new Set() };
      this.#kiosks.set(kioskId, entry);
    }
    for (const flat of flats) {
      if (entry.flats.has(flat)) continue;
      entry.flats.add(flat);
      this.#size++;
    }
    if (this.#size > this.limit) {
      this.#kiosks.clear();
      this.#size = 0;
    }
  }
}

export interface FlatDecisions {
  conflicts: Map<number, Conflict>;
  /** Flats this kiosk takes: new to the cooperative, or won from another kiosk. */
  taken: string[];
  /** Of those, the flats won from another kiosk (they change hands: a new holders token). */
  moved: number;
  /**
   * Every flat of the batch this kiosk holds once it commits, and the holders token read after the
   * flat locks (when `moved` > 0 the store draws a new one, and they hold under that).
   */
  held: { token: string; flats: string[] };
}

/** Which kiosk holds each of `flats` (absent: none), and the cooperative's holders token, in one snapshot. */
async function readHolders(
  tx: HubTx,
  cooperativeId: string,
  flats: string[],
): Promise<{ token: string; holders: Array<[string, string]> }> {
  // One key lookup per flat (LIMIT 1 keeps it a lookup whatever the table's statistics say): the
  // cost follows the flats looked up, not the number of flats the cooperative has.
  const [row] = await tx`
    SELECT holders_token::text AS token, (
      SELECT coalesce(json_agg(json_build_array(f, w.kiosk_id)), '[]')::text
      FROM json_array_elements_text(${JSON.stringify(flats)}::text::json) AS f
      CROSS JOIN LATERAL (
        SELECT kiosk_id FROM flat_winners WHERE cooperative_id = ${cooperativeId} AND flat_code = f LIMIT 1
      ) AS w
    ) AS holders
    FROM cooperatives WHERE id = ${cooperativeId}`;
  return { token: row.token, holders: JSON.parse(row.holders) };
}

/**
 * Decides a batch's applications. The caller holds the batch's flat locks (so the reads here see
 * every earlier decision). Returns the conflict each event carries, the flats this kiosk takes and
 * the flats it holds afterwards (for `known` once committed). Another kiosk's hold is weighed by
 * that kiosk's latest application, read from its events.
 */
export async function decideFlats(
  tx: HubTx,
  input: { kioskId: string; cooperativeId: string },
  batch: Application[],
  known: HeldFlats,
): Promise<FlatDecisions> {
  const conflicts = new Map<number, Conflict>();
  const flats = [...new Set(batch.filter((e) => APPLICATIONS.has(e.type)).map((e) => e.flatCode))];
  if (flats.length === 0) return { conflicts, taken: [], moved: 0, held: { token: "", flats: [] } };
  const remembered = known.of(input.kioskId);
  const holders = new Map<string, Holder | "mine">();
  const unknown = remembered ? flats.filter((f) => !remembered.flats.has(f)) : flats;
  let read = await readHolders(tx, input.cooperativeId, unknown);
  if (remembered && read.token === remembered.token) {
    for (const flat of flats) if (remembered.flats.has(flat)) holders.set(flat, "mine");
  } else if (unknown.length < flats.length) {
    // A flat changed hands since: what was remembered proves nothing, look every flat up.
    read = await readHolders(tx, input.cooperativeId, flats);
  }
  const others: Array<{ flat_code: string; kiosk_id: string }> = [];
  for (const [flat, kiosk] of read.holders) {
    if (kiosk === input.kioskId) holders.set(flat, "mine");
    else others.push({ flat_code: flat, kiosk_id: kiosk });
  }
  if (others.length > 0) {
    for (const a of await tx`
      SELECT e.kiosk_id, e.flat_code, e.seq, e.applied_at FROM register_events e
      JOIN json_to_recordset(${JSON.stringify(others)}::text::json) AS w(flat_code text, kiosk_id text)
        ON e.flat_code = w.flat_code AND e.kiosk_id = w.kiosk_id
      WHERE e.cooperative_id = ${input.cooperativeId}
        AND e.type = ANY (ARRAY(SELECT json_array_elements_text(${JSON.stringify([...APPLICATIONS])}::text::json)))`) {
      const held = holders.get(a.flat_code);
      const application = { kioskId: a.kiosk_id, seq: Number(a.seq), appliedAt: a.applied_at };
      holders.set(a.flat_code, withApplication(held === "mine" ? undefined : held, application));
    }
  }
  const taken = new Set<string>();
  let moved = 0;
  for (const e of batch) {
    if (!APPLICATIONS.has(e.type)) continue;
    const current = holders.get(e.flatCode);
    if (current === "mine") continue;
    if (!current) {
      holders.set(e.flatCode, "mine");
      taken.add(e.flatCode);
      continue;
    }
    const at = { kiosk: current.kioskId, seq: current.seq, applied_at: current.appliedAt };
    if (laterThan({ kioskId: input.kioskId, appliedAt: e.appliedAt }, current)) {
      conflicts.set(e.seq, { rule: "later_application_wins", outcome: "replaced", replaced: at });
      holders.set(e.flatCode, "mine");
      taken.add(e.flatCode);
      moved++;
    } else {
      conflicts.set(e.seq, { rule: "later_application_wins", outcome: "superseded", by: at });
    }
  }
  const mine = flats.filter((f) => holders.get(f) === "mine");
  return { conflicts, taken: [...taken], moved, held: { token: read.token, flats: mine } };
}
