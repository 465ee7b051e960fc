/**
 * The paper list of one local day across a cooperative's kiosks (JSON items, or CSV for mail merge).
 */
import { and, asc, eq, gte, isNotNull, like, lt, or } from "drizzle-orm";
import { REJECTION_NOTICE_PREFIX, rejectionNoticeOf } from "../../gateway/domain/rejectionNotice.ts";
import { localDay } from "../../gateway/domain/routing.ts";
import { csvTable } from "../../gateway/office/csv.ts";
import type { DeliveriesPushBody } from "../../gateway/office/pushContract.ts";
import { PAPER_CSV_COLUMNS } from "../../gateway/services/paperList.ts";
import type { HubDb } from "../db/client.ts";
import { deliveries } from "../db/schema.ts";

/**
 * Letters that go by post on one local day, across the cooperative's kiosks: the union of the
 * kiosks' own paper lists (gateway/services/paperList.ts, read from the same paper delivery
 * changes by the same rules: letters of the office's correspondence, and the notices of office
 * rejections that go by post (`rejected-<seq>`, from the changes of `rejected-<seq>-letter` and of a
 * failed `rejected-<seq>-email`), each once per kiosk, the kiosk's first paper change of it that
 * day). The flat's address and owners' names (and a rejection notice's reason and text) are as the
 * kiosk sent them with the change (personal data: the signed office API only); a kiosk that keeps
 * them (office.pushLetterDetails off, or a gateway that predates them) leaves them empty and the
 * item says `details_held_at_kiosk`.
 */
export async function hubPaperList(
  deps: { db: HubDb; timezone: string },
  input: { cooperativeId: string; date: string },
) {
  const { from, to } = localDay(input.date, deps.timezone);
  const rows = await deps.db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.cooperativeId, input.cooperativeId),
        eq(deliveries.status, "paper"),
        or(isNotNull(deliveries.correspondenceId), like(deliveries.messageId, `${REJECTION_NOTICE_PREFIX}%`)),
        gte(deliveries.at, from),
        lt(deliveries.at, to),
      ),
    )
    .orderBy(asc(deliveries.kioskId), asc(deliveries.seq));
  const seen = new Set<string>();
  const items = [];
  for (const r of rows) {
    // A letter by its correspondence id, or a rejection notice by `rejected-<seq>` (not its SMS).
    const notice = r.correspondenceId ? null : rejectionNoticeOf(r.messageId);
    const id = r.correspondenceId ?? notice?.id;
    if (!id) continue;
    const key = `${r.kioskId}\n${notice ? "notice" : "letter"}\n${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const routed = notice ? notice.routed : r.messageId === `corr:${id}:paper`;
    const letter = r.letter as DeliveriesPushBody["changes"][number]["letter"] | null;
    items.push({
      correspondence_id: id,
      kiosk: r.kioskId,
      flat: letter?.flat ?? null,
      address: letter?.address ?? null,
      owners: letter?.owners ?? [],
      details_held_at_kiosk: letter?.address === undefined,
      category: letter?.category ?? null,
      subject: letter?.subject ?? null,
      generated_at: letter?.generated_at ?? null,
      ...(letter?.rejection_reason === undefined ? {} : { rejection_reason: letter.rejection_reason }),
      ...(letter?.letter_text === undefined ? {} : { letter_text: letter.letter_text }),
      reason:
        r.reason ??
        (notice ? (routed ? "rejection_reason_by_letter" : "email_failed") : routed ? "routed" : `${r.channel}_failed`),
      source: routed ? ("routed" as const) : ("fallback" as const),
      at: r.at,
    });
  }
  // In posting order: by address (letters without one last), then by letter.
  return items.sort(
    (a, b) =>
      (a.address ?? "\uffff").localeCompare(b.address ?? "\uffff", "pl") ||
      a.correspondence_id.localeCompare(b.correspondence_id) ||
      (a.category ?? "").localeCompare(b.category ?? ""),
  );
}

export type HubPaperItem = Awaited<ReturnType<typeof hubPaperList>>[number];

/** The gateway's paper CSV columns (gateway/services/paperList.ts), then the kiosk. */
const CSV_COLUMNS = [...PAPER_CSV_COLUMNS, "kiosk"] as const;

/** RFC 4180 CSV with a header row (UTF-8, CRLF), the same cells as the kiosk's own paper CSV plus `kiosk`. */
export function hubPaperCsv(items: HubPaperItem[]): string {
  return csvTable(CSV_COLUMNS, items);
}
