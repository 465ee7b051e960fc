/**
 * The office rejects an enrolment during its grace period (e.g. the person is not an owner):
 * an `office_rejected` register event and a notice to the resident, in one transaction.
 * Repeating the same decision returns the first one.
 */

import type { CoreDeps } from "../deps.ts";
import { addDays } from "../domain/consentState.ts";
import type { ConsentEvent } from "../domain/registerEvents.ts";
import { KioskError } from "../errors.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import type { ConsentRegister } from "./register.ts";

export interface RejectEnrolmentInput {
  flat: string;
  /** The register sequence number of the enrolment (or update/replacement) being rejected. */
  seq: number;
  reason: string;
}

export interface RejectEnrolmentResult {
  repeated: boolean;
  event: { seq: number; hash: string; type: "office_rejected"; occurredAt: string };
  notices: string[];
}

const CONSENTING = new Set(["enrolled", "contacts_updated", "recipient_replaced"]);

export function rejectEnrolment(
  deps: CoreDeps & { register: ConsentRegister },
  input: RejectEnrolmentInput,
): RejectEnrolmentResult {
  return deps.db.transaction((tx) => {
    const events = deps.register.flatEvents(input.flat, tx);
    const target = events.find((e) => e.seq === input.seq);
    if (!target) throw new KioskError("NOT_FOUND", `flat ${input.flat} has no register event ${input.seq}`);
    const earlier = events.find((e) => e.type === "office_rejected" && e.payload.rejectedSeq === input.seq);
    if (earlier) return { repeated: true, event: brief(earlier), notices: [] };
    if (!CONSENTING.has(target.type) || target.type === "office_rejected") {
      throw new KioskError("CONFLICT", `event ${input.seq} is a ${target.type}, not an enrolment`, {
        reason: "not_an_enrolment",
      });
    }
    const now = deps.clock.now();
    const graceEnds = addDays(target.occurredAt, deps.config.rules.graceDays);
    if (now.getTime() > Date.parse(graceEnds)) {
      throw new KioskError("CONFLICT", `the grace period of event ${input.seq} ended at ${graceEnds}`, {
        reason: "grace_period_over",
        graceEnds,
      });
    }
    const later = events.find((e) => e.seq > input.seq && (CONSENTING.has(e.type) || e.type === "withdrawn"));
    if (later) {
      throw new KioskError("CONFLICT", `event ${input.seq} was superseded by event ${later.seq} (${later.type})`, {
        reason: "superseded",
        supersededBy: later.seq,
      });
    }
    const event = deps.register.append(
      tx,
      { type: "office_rejected", payload: { reason: input.reason, rejectedSeq: input.seq } },
      input.flat,
      target.ownerId,
    );
    const payload = target.payload as { email?: string; mobile?: string };
    const coop = deps.config.cooperative;
    const text = [
      `${coop.shortName}: nie możemy przyjąć zgłoszenia do korespondencji elektronicznej dla lokalu ${input.flat} (${new Date(target.occurredAt).toLocaleDateString("pl-PL", { timeZone: deps.config.timezone })}).`,
      `Powód: ${input.reason}.`,
      `Korespondencję nadal wysyłamy pocztą. Pytania: ${coop.officePhone}, ${coop.officeEmail}.`,
    ].join(" ");
    const notices: string[] = [];
    if (payload.email) {
      notices.push(
        enqueueMessage(tx, deps.clock, {
          id: `rejected-${event.seq}-email`,
          channel: "email",
          kind: "notice",
          recipient: payload.email,
          subject: `Zgłoszenie do e-Korespondencji nie zostało przyjęte – lokal ${input.flat}`,
          text,
          flatCode: input.flat,
        }),
      );
    }
    if (payload.mobile) {
      notices.push(
        enqueueMessage(tx, deps.clock, {
          id: `rejected-${event.seq}-sms`,
          channel: "sms",
          kind: "notice",
          recipient: payload.mobile,
          text,
          flatCode: input.flat,
        }),
      );
    }
    deps.logger.info({ flat: input.flat, rejectedSeq: input.seq, seq: event.seq }, "enrolment rejected by office");
    return { repeated: false, event: brief(event), notices };
  });
}

function brief(event: ConsentEvent): RejectEnrolmentResult["event"] {
  return { seq: event.seq, hash: event.hash, type: "office_rejected", occurredAt: event.occurredAt };
}
