/**
 * "The later application wins" across a cooperative's kiosks: which kiosk holds each flat, and what
 * an application from another kiosk says about it. A flat is held by the kiosk whose latest
 * application is the latest (the resident's application time, then the kiosk id); that kiosk's
 * events are the flat's state. `flat_winners` names the holder only, so it is written when a flat
 * gets its first application or changes hands, not on every event.
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
 * Decides a batch's applications. The caller holds the batch's flat locks (so the reads here see
 * every earlier decision). Returns the conflict each event carries and the flats this kiosk takes
 * (new to the cooperative, or won from another kiosk). Another kiosk's hold is weighed by that
 * kiosk's latest application, read from its events.
 */
export async function decideFlats(
  tx: HubTx,
  input: { kioskId: string; cooperativeId: string },
  batch: Application[],
): Promise<{ conflicts: Map<number, Conflict>; taken: string[] }> {
  const conflicts = new Map<number, Conflict>();
  const flats = [...new Set(batch.filter((e) => APPLICATIONS.has(e.type)).map((e) => e.flatCode))];
  if (flats.length === 0) return { conflicts, taken: [] };
  // One key lookup per flat (LIMIT 1 keeps it a lookup whatever the table's statistics say): the
  // cost follows the batch, not the number of flats the cooperative has.
  const holders = new Map<string, Holder | "mine">();
  const others: Array<{ flat_code: string; kiosk_id: string }> = [];
  for (const w of await tx`
    SELECT f AS flat_code, w.kiosk_id
    FROM json_array_elements_text(${JSON.stringify(flats)}::text::json) AS f
    CROSS JOIN LATERAL (
      SELECT kiosk_id FROM flat_winners WHERE cooperative_id = ${input.cooperativeId} AND flat_code = f LIMIT 1
    ) AS w`) {
    if (w.kiosk_id === input.kioskId) holders.set(w.flat_code, "mine");
    else others.push(w);
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
    } else {
      conflicts.set(e.seq, { rule: "later_application_wins", outcome: "superseded", by: at });
    }
  }
  return { conflicts, taken: [...taken] };
}
