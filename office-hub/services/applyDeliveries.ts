/**
 * Stores one kiosk's delivery changes by the kiosk's sequence number: a resend is recognised and
 * not stored twice. New rows get the cooperative's next delivery numbers for the office feed.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Clock } from "../../gateway/clock.ts";
import type { DeliveriesPushBody } from "../../gateway/office/pushContract.ts";
import type { HubDb } from "../db/client.ts";
import { cooperatives, deliveries, kiosks } from "../db/schema.ts";

type PushedDelivery = DeliveriesPushBody["changes"][number];

export interface ApplyDeliveriesAnswer {
  applied: number;
  duplicates: number;
  last_seq: number;
  /** The push contract's answer: the highest change seq held for this kiosk (0 after a lost database). */
  head_seq: number;
}

export async function applyDeliveries(
  deps: { db: HubDb; clock: Clock },
  input: { kioskId: string; cooperativeId: string; changes: PushedDelivery[] },
): Promise<ApplyDeliveriesAnswer> {
  return deps.db.transaction(async (tx) => {
    const [kiosk] = await tx
      .select({ deliveriesSeq: kiosks.deliveriesSeq })
      .from(kiosks)
      .where(eq(kiosks.id, input.kioskId))
      .for("update");
    const unique = new Map(input.changes.map((c) => [c.seq, c]));
    const known = new Set<number>();
    if (unique.size > 0) {
      for (const row of await tx
        .select({ seq: deliveries.seq })
        .from(deliveries)
        .where(and(eq(deliveries.kioskId, input.kioskId), inArray(deliveries.seq, [...unique.keys()]))))
        known.add(row.seq);
    }
    const fresh = [...unique.values()].filter((c) => !known.has(c.seq)).sort((a, b) => a.seq - b.seq);
    const last = Math.max(kiosk.deliveriesSeq, ...input.changes.map((c) => c.seq));
    if (fresh.length > 0) {
      const [coop] = await tx
        .update(cooperatives)
        .set({ deliverySeq: sql`${cooperatives.deliverySeq} + ${fresh.length}` })
        .where(eq(cooperatives.id, input.cooperativeId))
        .returning({ deliverySeq: cooperatives.deliverySeq });
      const first = coop.deliverySeq - fresh.length + 1;
      await tx.insert(deliveries).values(
        fresh.map((c, i) => ({
          cooperativeId: input.cooperativeId,
          coopSeq: first + i,
          kioskId: input.kioskId,
          seq: c.seq,
          messageId: c.message_id,
          correspondenceId: c.correspondence_id,
          channel: c.channel,
          status: c.status,
          reason: c.reason,
          at: c.at,
          // A JSON object in the jsonb column (drizzle's own jsonb mapping under bun-sql stores a JSON string).
          letter: c.letter ? sql`${JSON.stringify(c.letter)}::text::jsonb` : null,
        })),
      );
    }
    await tx
      .update(kiosks)
      .set({ deliveriesSeq: last, lastPushAt: deps.clock.now().toISOString() })
      .where(eq(kiosks.id, input.kioskId));
    return {
      applied: fresh.length,
      duplicates: input.changes.length - fresh.length,
      last_seq: last,
      head_seq: last,
    };
  });
}
