/**
 * Incoming SMS for the office: replies that were not a withdrawal (and the withdrawals, for the
 * record), oldest first after a cursor. `markIncomingSmsSeen` records that the office read them.
 */
import { and, asc, eq, gt, inArray, isNull, or } from "drizzle-orm";
import { smsIncoming } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export interface IncomingSmsView {
  id: string;
  from: string;
  text: string;
  receivedAt: string;
  action: "withdrawn" | "office";
  flatCodes: string[];
  seenAt: string | null;
  /** Opaque cursor of this row (`after` of the next page): recording time and id. */
  cursor: string;
}

/** Rows recorded in one poll share a timestamp, so the cursor is "<createdAt>|<id>". */
function afterCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [createdAt, id = ""] = cursor.split("|");
  return or(gt(smsIncoming.createdAt, createdAt), and(eq(smsIncoming.createdAt, createdAt), gt(smsIncoming.id, id)));
}

export function listIncomingSms(
  deps: Pick<CoreDeps, "db">,
  query: { after?: string; limit?: number; unseenOnly?: boolean; action?: "withdrawn" | "office" } = {},
): IncomingSmsView[] {
  const where = and(
    afterCursor(query.after),
    query.unseenOnly ? isNull(smsIncoming.officeSeenAt) : undefined,
    query.action ? eq(smsIncoming.action, query.action) : undefined,
  );
  return deps.db
    .select()
    .from(smsIncoming)
    .where(where)
    .orderBy(asc(smsIncoming.createdAt), asc(smsIncoming.id))
    .limit(Math.min(query.limit ?? 100, 1000))
    .all()
    .map((r) => ({
      id: r.id,
      from: r.fromNumber,
      text: r.text,
      receivedAt: r.receivedAt,
      action: r.action,
      flatCodes: JSON.parse(r.flatCodes) as string[],
      seenAt: r.officeSeenAt,
      cursor: `${r.createdAt}|${r.id}`,
    }));
}

export function markIncomingSmsSeen(deps: Pick<CoreDeps, "db" | "clock">, ids: string[]): number {
  if (ids.length === 0) return 0;
  return deps.db
    .update(smsIncoming)
    .set({ officeSeenAt: deps.clock.now().toISOString() })
    .where(and(inArray(smsIncoming.id, ids), isNull(smsIncoming.officeSeenAt)))
    .returning({ id: smsIncoming.id })
    .all().length;
}
