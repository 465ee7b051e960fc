/**
 * Withdrawal at the kiosk (GDPR art. 7(3): as easy as giving consent): SMS only, email only, or
 * everything. Takes effect immediately; the slip confirms it.
 */

import type { GatewayContext, IssuedReceipt } from "../context.ts";
import type { ElectronicChannel } from "../domain/categories.ts";
import { KioskError } from "../errors.ts";
import { requireEligible } from "./eligibleOwner.ts";
import { flatLabel } from "./flatDirectory.ts";
import { previousAnswer, rememberAnswer } from "./kioskIdempotency.ts";
import { type StatusView, statusView } from "./statusView.ts";

export interface WithdrawInput {
  flatCode: string;
  ownerId: string;
  idempotencyKey: string;
  channels: ElectronicChannel[] | "all";
  language: string;
}

export interface WithdrawResult {
  eventSeq: number;
  receipt: IssuedReceipt;
  status: StatusView;
}

export function withdraw(ctx: GatewayContext, input: WithdrawInput): WithdrawResult {
  const earlier = previousAnswer<WithdrawResult>(ctx.db, input.idempotencyKey);
  if (earlier) return earlier;
  // A slip signed with a wrong date is worse than a short wait (a Pi has no battery clock).
  if (!ctx.clockSynchronized()) {
    throw new KioskError("UNAVAILABLE", "the kiosk clock is not synchronised yet; try again in a minute");
  }
  const nowIso = ctx.clock.now().toISOString();

  const result = ctx.db.transaction((tx) => {
    const owner = requireEligible(tx, input.flatCode, input.ownerId);
    const current = ctx.register.stateOf(input.flatCode, null, tx);
    const active = (["email", "sms"] as const).filter((c) => current.channels[c].consented);
    const requested = input.channels === "all" ? active : input.channels.filter((c) => active.includes(c));
    if (current.status !== "active" || requested.length === 0) {
      throw new KioskError("NOT_ENROLLED", "nothing to withdraw for this flat");
    }
    // Any owner may withdraw the flat's electronic delivery: it only ever falls back to paper.
    const event = ctx.register.append(
      tx,
      {
        type: "withdrawn",
        payload: { channels: input.channels === "all" ? "all" : requested, via: "kiosk", language: input.language },
      },
      input.flatCode,
      input.ownerId,
    );
    const after = ctx.register.stateOf(input.flatCode, null, tx);
    // Inside the transaction: a withdrawal that cannot have its slip is not committed at all.
    const receipt = ctx.receipts.issue(tx, {
      action: "withdrawal",
      eventSeq: event.seq,
      eventHash: event.hash,
      flatCode: input.flatCode,
      flatLabel: flatLabel(tx, input.flatCode),
      ownerName: `${owner.firstName} ${owner.surname}`,
      email: after.email,
      mobile: after.mobile,
      channels: (["email", "sms"] as const).filter((c) => after.channels[c].consented),
      electronicFrom: null,
      consentVersion: after.consentVersion,
      language: input.language,
      occurredAt: event.occurredAt,
    });
    const answer: WithdrawResult = { eventSeq: event.seq, receipt, status: statusView(after, input.ownerId) };
    rememberAnswer(tx, input.idempotencyKey, answer, nowIso);
    return answer;
  });
  ctx.logger.info({ flat: input.flatCode, seq: result.eventSeq }, "kiosk withdrawal committed");
  ctx.outbox.poke(); // notices were queued in the transaction: wake the workers now
  // Printing happens after the commit and never undoes it; a problem queues a reprint.
  ctx.receipts.print(result.receipt.number).catch((err) => ctx.logger.warn({ err }, "receipt print failed"));
  return result;
}
