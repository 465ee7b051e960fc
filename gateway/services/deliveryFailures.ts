/** Delivery problems for staff to follow up: failed messages and letters that fell back to paper. */
import { and, desc, eq, gte, inArray } from "drizzle-orm";
import { correspondence, deliveries, outbox } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { maskEmail, maskMobile } from "../domain/contacts.ts";
import { CHANNEL_PL, describeFailure } from "../domain/staffWording.ts";

export interface DeliveryFailure {
  seq: number;
  at: string;
  status: "failed" | "paper";
  channel: string;
  reason: string | null;
  /** The channel and the reason as staff read them (Polish). */
  channelText: string;
  reasonText: string;
  correspondenceId: string | null;
  flat: string | null;
  subject: string | null;
  recipient: string | null;
}

export function deliveryFailures(
  deps: Pick<CoreDeps, "db" | "clock">,
  input: { days?: number } = {},
): DeliveryFailure[] {
  const since = new Date(deps.clock.now().getTime() - (input.days ?? 30) * 86_400_000).toISOString();
  const rows = deps.db
    .select({
      seq: deliveries.seq,
      at: deliveries.at,
      status: deliveries.status,
      channel: deliveries.channel,
      reason: deliveries.reason,
      messageId: deliveries.messageId,
      correspondenceId: deliveries.correspondenceId,
      flat: correspondence.flatCode,
      subject: correspondence.subject,
    })
    .from(deliveries)
    .leftJoin(correspondence, eq(correspondence.id, deliveries.correspondenceId))
    .where(and(inArray(deliveries.status, ["failed", "paper"]), gte(deliveries.at, since)))
    .orderBy(desc(deliveries.seq))
    .limit(500)
    .all()
    // Letters routed to paper on arrival are the plan, not a failure.
    .filter((r) => !(r.status === "paper" && r.messageId === `corr:${r.correspondenceId}:paper`));
  const recipients = new Map(
    rows.length === 0
      ? []
      : deps.db
          .select({ id: outbox.id, channel: outbox.channel, recipient: outbox.recipient, flat: outbox.flatCode })
          .from(outbox)
          .where(inArray(outbox.id, [...new Set(rows.map((r) => r.messageId))]))
          .all()
          .map((o) => [o.id, o]),
  );
  return rows.map((r) => {
    const message = recipients.get(r.messageId);
    const recipient = message
      ? message.channel === "email"
        ? maskEmail(message.recipient)
        : maskMobile(message.recipient)
      : null;
    return {
      seq: r.seq,
      at: r.at,
      status: r.status as "failed" | "paper",
      channel: r.channel,
      reason: r.reason,
      channelText:
        r.status === "paper" && r.channel === "paper"
          ? "poczta (zamiast e-maila/SMS-a)"
          : (CHANNEL_PL[r.channel] ?? r.channel),
      reasonText: describeFailure(r.reason),
      correspondenceId: r.correspondenceId,
      flat: r.flat ?? message?.flat ?? null,
      subject: r.subject,
      recipient,
    };
  });
}
