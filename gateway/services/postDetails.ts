/**
 * What the office needs to print and post what goes by post: the flat's address and owners, and
 * the heading of the letter — a letter of the office's correspondence, or the notice of an office
 * rejection (which the kiosk writes itself: its subject and text come from the rejection email's
 * catalogue, and the office's own words from the `office_rejected` register event).
 */
import { and, eq, inArray } from "drizzle-orm";
import { buildings, correspondence, flats, owners, ownershipShares, registerEvents } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { languageOf } from "../domain/channelSentences.ts";
import { REJECTION_NOTICE_CATEGORY, REJECTION_NOTICE_PREFIX } from "../domain/rejectionNotice.ts";
import { rejectionEmail } from "../messaging/templates/residentTexts.ts";
import { flatLabel } from "./flatDirectory.ts";

/** What the office needs to print and post a letter: the flat's address and owners, and the letter's heading. */
export interface LetterPostDetails {
  flat: string;
  address: string;
  owners: string[];
  category: string;
  subject: string;
  generated_at: string;
  /**
   * Only on a rejection notice: the office's own words (the `office_rejected` event's reason).
   * Personal data of a kind: in authenticated JSON answers only, never in the CSV.
   */
  rejection_reason?: string;
  /** Only on a rejection notice: the letter to print, in Polish, then in the resident's language (en/uk). */
  letter_text?: string;
}

/** Post details of the given letters (unknown ids are left out), read in chunks of 500. */
export function letterPostDetails(deps: Pick<CoreDeps, "db">, ids: string[]): Map<string, LetterPostDetails> {
  const letters: Array<typeof correspondence.$inferSelect> = [];
  for (const chunk of chunks(ids)) {
    letters.push(...deps.db.select().from(correspondence).where(inArray(correspondence.id, chunk)).all());
  }
  const post = flatPostDetails(
    deps,
    letters.map((l) => l.flatCode),
  );
  return new Map(
    letters.map((l) => [
      l.id,
      {
        flat: l.flatCode,
        ...(post.get(l.flatCode) ?? { address: l.flatCode, owners: [] }),
        category: l.category,
        subject: l.subject,
        generated_at: l.generatedAt,
      },
    ]),
  );
}

/**
 * Post details of rejection notices by the `office_rejected` register event's seq, keyed by the
 * notice's paper list id `rejected-<seq>` (unknown seqs are left out): generated when the office
 * rejected; the subject (Polish) and text of the rejection email, in the language the resident used.
 */
export function rejectionNoticePostDetails(
  deps: Pick<CoreDeps, "db" | "config">,
  seqs: number[],
): Map<string, LetterPostDetails> {
  const events = [];
  for (const chunk of chunks(seqs)) {
    events.push(...deps.db.select().from(registerEvents).where(inArray(registerEvents.seq, chunk)).all());
  }
  const rejections = events
    .filter((e) => e.type === "office_rejected")
    .map((e) => ({ ...e, payload: JSON.parse(e.payload) as { reason: string; rejectedSeq: number } }));
  const enrolments = new Map<number, { occurredAt: string; language?: string }>();
  for (const chunk of chunks(rejections.map((r) => r.payload.rejectedSeq))) {
    for (const e of deps.db.select().from(registerEvents).where(inArray(registerEvents.seq, chunk)).all())
      enrolments.set(e.seq, { occurredAt: e.occurredAt, language: JSON.parse(e.payload).language });
  }
  const post = flatPostDetails(
    deps,
    rejections.map((r) => r.flatCode),
  );
  const found = new Map<string, LetterPostDetails>();
  for (const r of rejections) {
    const enrolment = enrolments.get(r.payload.rejectedSeq);
    const message = rejectionEmail(languageOf(enrolment?.language), {
      flatLabel: flatLabel(deps.db, r.flatCode),
      enrolledAt: enrolment?.occurredAt ?? r.occurredAt,
      reason: r.payload.reason,
      cooperative: deps.config.cooperative,
      timezone: deps.config.timezone,
    });
    found.set(`${REJECTION_NOTICE_PREFIX}${r.seq}`, {
      flat: r.flatCode,
      ...(post.get(r.flatCode) ?? { address: r.flatCode, owners: [] }),
      category: REJECTION_NOTICE_CATEGORY,
      subject: message.subject,
      generated_at: r.occurredAt,
      rejection_reason: r.payload.reason,
      letter_text: message.text,
    });
  }
  return found;
}

/** Each flat's postal address and active owners' names. */
function flatPostDetails(deps: Pick<CoreDeps, "db">, flatCodes: string[]) {
  const found = new Map<string, { address: string; owners: string[] }>();
  for (const chunk of chunks([...new Set(flatCodes)])) {
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
      found.set(f.code, { address: `${f.address} kl. ${f.staircase} m. ${f.number}, ${f.city}`, owners: [] });
    for (const s of deps.db
      .select({ flat: ownershipShares.flatCode, first: owners.firstName, surname: owners.surname })
      .from(ownershipShares)
      .innerJoin(owners, eq(owners.id, ownershipShares.ownerId))
      .where(and(inArray(ownershipShares.flatCode, chunk), eq(ownershipShares.active, true), eq(owners.active, true)))
      .all()) {
      const flat = found.get(s.flat) ?? { address: s.flat, owners: [] };
      flat.owners.push(`${s.first} ${s.surname}`);
      found.set(s.flat, flat);
    }
  }
  return found;
}

function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
