/**
 * What must go by post for one (local) day: letters routed to paper when they arrived, and
 * electronic messages that fell back to paper that day, each with its reason and the address.
 * The list is read from the paper delivery changes alone: every move of a letter to paper writes
 * one in the same transaction (routeCorrespondence, recordDelivery: a failure, a bounce, an
 * expiry), and these are what the push sends, so an office hub lists the same letters.
 */
import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import { buildings, correspondence, deliveries, flats, owners, ownershipShares } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { localMidnight } from "../domain/routing.ts";
import { csvTable } from "../office/csv.ts";

/** A letter on the day's paper list: its post details, and why it goes on paper. */
export interface PaperItem extends LetterPostDetails {
  correspondence_id: string;
  /** Routing reason (grace_period, no_consent, payment_demand_on_paper, ...) or the delivery failure. */
  reason: string;
  /** "routed" when decided on arrival, "fallback" when an email/SMS failed. */
  source: "routed" | "fallback";
  at: string;
}

export function paperList(deps: Pick<CoreDeps, "db" | "config">, input: { date: string }): PaperItem[] {
  const next = new Date(Date.parse(`${input.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const from = new Date(localMidnight(input.date, deps.config.timezone)).toISOString();
  const to = new Date(localMidnight(next, deps.config.timezone)).toISOString();
  const found = new Map<string, { reason: string; source: PaperItem["source"]; at: string }>();
  const rows = deps.db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.status, "paper"), gte(deliveries.at, from), lt(deliveries.at, to)))
    .orderBy(asc(deliveries.seq))
    .all();
  for (const r of rows) {
    if (!r.correspondenceId || found.has(r.correspondenceId)) continue;
    const routed = r.messageId === `corr:${r.correspondenceId}:paper`;
    found.set(r.correspondenceId, {
      reason: r.reason ?? (routed ? "routed" : `${r.channel}_failed`),
      source: routed ? "routed" : "fallback",
      at: r.at,
    });
  }
  const ids = [...found.keys()];
  if (ids.length === 0) return [];
  const letters = letterPostDetails(deps, ids);
  const items: PaperItem[] = [];
  for (const [id, why] of found) {
    const letter = letters.get(id);
    if (!letter) continue;
    items.push({
      correspondence_id: id,
      ...letter,
      reason: why.reason,
      source: why.source,
      at: why.at,
    });
  }
  return items.sort(
    (a, b) => a.address.localeCompare(b.address, "pl") || a.correspondence_id.localeCompare(b.correspondence_id),
  );
}

/** What the office needs to print and post a letter: the flat's address and owners, and the letter's heading. */
export interface LetterPostDetails {
  flat: string;
  address: string;
  owners: string[];
  category: string;
  subject: string;
  generated_at: string;
}

/** Post details of the given letters (unknown ids are left out), read in chunks of 500. */
export function letterPostDetails(deps: Pick<CoreDeps, "db">, ids: string[]): Map<string, LetterPostDetails> {
  const letters: Array<typeof correspondence.$inferSelect> = [];
  for (let i = 0; i < ids.length; i += 500) {
    letters.push(
      ...deps.db
        .select()
        .from(correspondence)
        .where(inArray(correspondence.id, ids.slice(i, i + 500)))
        .all(),
    );
  }
  const codes = [...new Set(letters.map((l) => l.flatCode))];
  const addresses = new Map<string, string>();
  const ownerNames = new Map<string, string[]>();
  for (let i = 0; i < codes.length; i += 500) {
    const chunk = codes.slice(i, i + 500);
    for (const f of deps.db
      .select({
        code: flats.code,
        address: buildings.address,
        city: buildings.city,
        staircase: flats.staircase,
        number: flats.number,
      })
      .from(flats)
      .innerJoin(buildings, eq(flats.buildingId, buildings.id))
      .where(inArray(flats.code, chunk))
      .all())
      addresses.set(f.code, `${f.address} kl. ${f.staircase} m. ${f.number}, ${f.city}`);
    for (const s of deps.db
      .select({ flat: ownershipShares.flatCode, first: owners.firstName, surname: owners.surname })
      .from(ownershipShares)
      .innerJoin(owners, eq(owners.id, ownershipShares.ownerId))
      .where(and(inArray(ownershipShares.flatCode, chunk), eq(ownershipShares.active, true), eq(owners.active, true)))
      .all())
      ownerNames.set(s.flat, [...(ownerNames.get(s.flat) ?? []), `${s.first} ${s.surname}`]);
  }
  return new Map(
    letters.map((l) => [
      l.id,
      {
        flat: l.flatCode,
        address: addresses.get(l.flatCode) ?? l.flatCode,
        owners: ownerNames.get(l.flatCode) ?? [],
        category: l.category,
        subject: l.subject,
        generated_at: l.generatedAt,
      },
    ]),
  );
}

/** The paper CSV's columns, in order (the office hub's list adds `kiosk`). */
export const PAPER_CSV_COLUMNS = [
  "correspondence_id",
  "flat",
  "address",
  "owners",
  "category",
  "subject",
  "generated_at",
  "reason",
  "source",
  "at",
] as const satisfies ReadonlyArray<keyof PaperItem>;

/** RFC 4180 CSV with a header row (UTF-8; CRLF line ends). */
export function paperCsv(items: PaperItem[]): string {
  return csvTable(PAPER_CSV_COLUMNS, items);
}
