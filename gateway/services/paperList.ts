/**
 * What must go by post for one (local) day: letters routed to paper when they arrived, and
 * electronic messages that fell back to paper that day, each with its reason and the address.
 * The list is read from the paper delivery changes alone: every move of a letter to paper writes
 * one in the same transaction (routeCorrespondence, recordDelivery: a failure, a bounce, an
 * expiry), and these are what the push sends, so an office hub lists the same letters.
 *
 * Besides the office's correspondence, the list holds the notices of office rejections that go
 * by post (rejectEnrolment: the letter with the office's reason when there is no email, or the
 * paper fallback of a rejection email that failed): one item per rejection, `rejected-<seq>`
 * (the `office_rejected` event's seq), category `rejection_notice`.
 */
import { and, asc, eq, gte, lt } from "drizzle-orm";
import { deliveries } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { rejectionNoticeOf } from "../domain/rejectionNotice.ts";
import { localDay } from "../domain/routing.ts";
import { csvTable } from "../office/csv.ts";
import { type LetterPostDetails, letterPostDetails, rejectionNoticePostDetails } from "./postDetails.ts";

export { type LetterPostDetails, letterPostDetails } from "./postDetails.ts";

/** A letter on the day's paper list: its post details, and why it goes on paper. */
export interface PaperItem extends LetterPostDetails {
  /** The office's letter id, or `rejected-<seq>` for the notice of an office rejection. */
  correspondence_id: string;
  /** Routing reason (grace_period, no_consent, payment_demand_on_paper, ...) or the delivery failure. */
  reason: string;
  /** "routed" when decided on arrival, "fallback" when an email/SMS failed. */
  source: "routed" | "fallback";
  at: string;
}

type Why = { reason: string; source: PaperItem["source"]; at: string };

export function paperList(deps: Pick<CoreDeps, "db" | "config">, input: { date: string }): PaperItem[] {
  const { from, to } = localDay(input.date, deps.config.timezone);
  const found = new Map<string, Why>();
  const notices = new Map<string, Why & { seq: number }>();
  const rows = deps.db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.status, "paper"), gte(deliveries.at, from), lt(deliveries.at, to)))
    .orderBy(asc(deliveries.seq))
    .all();
  for (const r of rows) {
    if (!r.correspondenceId) {
      const notice = rejectionNoticeOf(r.messageId);
      if (!notice || notices.has(notice.id)) continue;
      notices.set(notice.id, {
        seq: notice.seq,
        reason: r.reason ?? (notice.routed ? "rejection_reason_by_letter" : "email_failed"),
        source: notice.routed ? "routed" : "fallback",
        at: r.at,
      });
      continue;
    }
    if (found.has(r.correspondenceId)) continue;
    const routed = r.messageId === `corr:${r.correspondenceId}:paper`;
    found.set(r.correspondenceId, {
      reason: r.reason ?? (routed ? "routed" : `${r.channel}_failed`),
      source: routed ? "routed" : "fallback",
      at: r.at,
    });
  }
  const items: PaperItem[] = [];
  const add = (why: Map<string, Why>, details: Map<string, LetterPostDetails>) => {
    for (const [id, { reason, source, at }] of why) {
      const letter = details.get(id);
      if (letter) items.push({ correspondence_id: id, ...letter, reason, source, at });
    }
  };
  if (found.size > 0) add(found, letterPostDetails(deps, [...found.keys()]));
  if (notices.size > 0) {
    add(
      notices,
      rejectionNoticePostDetails(
        deps,
        [...notices.values()].map((n) => n.seq),
      ),
    );
  }
  return items.sort(
    (a, b) =>
      a.address.localeCompare(b.address, "pl") ||
      a.correspondence_id.localeCompare(b.correspondence_id) ||
      a.category.localeCompare(b.category),
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
