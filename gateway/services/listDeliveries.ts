/** Delivery status changes after a cursor, in order, for the office feed and the push sync. */
import { asc, gt } from "drizzle-orm";
import { deliveries } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export interface DeliveryChange {
  seq: number;
  message_id: string;
  correspondence_id: string | null;
  channel: "email" | "sms" | "paper";
  status: "queued" | "sent" | "delivered" | "failed" | "paper";
  reason: string | null;
  at: string;
}

export function listDeliveries(
  deps: Pick<CoreDeps, "db">,
  input: { after: number; limit: number },
): { changes: DeliveryChange[]; next_cursor: number; has_more: boolean } {
  const rows = deps.db
    .select()
    .from(deliveries)
    .where(gt(deliveries.seq, input.after))
    .orderBy(asc(deliveries.seq))
    .limit(input.limit + 1)
    .all();
  const page = rows.slice(0, input.limit);
  return {
    changes: page.map((r) => ({
      seq: r.seq,
      message_id: r.messageId,
      correspondence_id: r.correspondenceId,
      channel: r.channel,
      status: r.status,
      reason: r.reason,
      at: r.at,
    })),
    next_cursor: page.length > 0 ? page[page.length - 1].seq : input.after,
    has_more: rows.length > input.limit,
  };
}
