/**
 * The office rejects an enrolment during its grace period (e.g. the person is not an owner):
 * an `office_rejected` register event and a notice to the resident, in one transaction.
 * Repeating the same decision returns the first one.
 */

import { deliveries } from "../../db/schema/index.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import { type Language, languageOf } from "../domain/channelSentences.ts";
import { addDays } from "../domain/consentState.ts";
import { type ConsentEvent, effectiveAt } from "../domain/registerEvents.ts";
import { REJECTION_NOTICE_PREFIX } from "../domain/rejectionNotice.ts";
import { KioskError } from "../errors.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { rejectionEmail, rejectionSms } from "../messaging/templates/residentTexts.ts";
import { flatLabel } from "./flatDirectory.ts";
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
    const graceEnds = addDays(effectiveAt(target), deps.config.rules.graceDays);
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
    const payload = target.payload as { email?: string; mobile?: string; language?: string };
    const notices = noticeRejection(tx, deps, {
      flat: input.flat,
      seq: event.seq,
      enrolledAt: target.occurredAt,
      reason: input.reason,
      email: payload.email ?? null,
      mobile: payload.mobile ?? null,
      language: languageOf(payload.language),
    });
    deps.logger.info({ flat: input.flat, rejectedSeq: input.seq, seq: event.seq }, "enrolment rejected by office");
    return { repeated: false, event: brief(event), notices };
  });
}

/**
 * The notice (ids `rejected-<register seq>-email|sms|letter`, gateway/domain/rejectionNotice.ts):
 * by email with the office's own words when there is an email; by SMS a fixed text that always
 * fits one segment; without email, the reason goes by letter, recorded as a paper delivery so the
 * office sees it in the deliveries feed and on the day's paper list (`rejected-<seq>`, category
 * `rejection_notice`, gateway/services/paperList.ts), where a failed email's fallback lands too.
 */
function noticeRejection(
  tx: DbOrTx,
  deps: CoreDeps,
  n: {
    flat: string;
    seq: number;
    enrolledAt: string;
    reason: string;
    email: string | null;
    mobile: string | null;
    language: Language;
  },
): string[] {
  const coop = deps.config.cooperative;
  const label = flatLabel(tx, n.flat);
  const notices: string[] = [];
  if (n.email) {
    const message = rejectionEmail(n.language, {
      flatLabel: label,
      enrolledAt: n.enrolledAt,
      reason: n.reason,
      cooperative: coop,
      timezone: deps.config.timezone,
    });
    notices.push(
      enqueueMessage(tx, deps.clock, {
        id: `${REJECTION_NOTICE_PREFIX}${n.seq}-email`,
        channel: "email",
        kind: "notice",
        recipient: n.email,
        subject: message.subject,
        text: message.text,
        flatCode: n.flat,
      }),
    );
  }
  if (n.mobile) {
    notices.push(
      enqueueMessage(tx, deps.clock, {
        id: `${REJECTION_NOTICE_PREFIX}${n.seq}-sms`,
        channel: "sms",
        kind: "notice",
        recipient: n.mobile,
        text: rejectionSms(n.language, coop, n.email ? "email" : "letter"),
        flatCode: n.flat,
      }),
    );
  }
  if (!n.email) {
    const id = `${REJECTION_NOTICE_PREFIX}${n.seq}-letter`;
    tx.insert(deliveries)
      .values({
        messageId: id,
        correspondenceId: null,
        channel: "paper",
        status: "paper",
        reason: "rejection_reason_by_letter",
        at: deps.clock.now().toISOString(),
      })
      .run();
    notices.push(id);
  }
  return notices;
}

function brief(event: ConsentEvent): RejectEnrolmentResult["event"] {
  return { seq: event.seq, hash: event.hash, type: "office_rejected", occurredAt: event.occurredAt };
}
