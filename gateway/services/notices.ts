/** Notices the register's changes trigger, in the resident's language (queued through the outbox). */
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { DbOrTx } from "../deps.ts";
import type { CategoryChannels } from "../domain/categories.ts";
import { languageOf } from "../domain/channelSentences.ts";
import { channelSummary } from "../domain/channelSummary.ts";
import type { FlatConsent } from "../domain/consentState.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { enrolmentConfirmedText, recipientReplacedText } from "../messaging/templates/residentTexts.ts";

/** Tells the previous designated recipient that another co-owner took over the flat. */
export function noticeRecipientReplaced(
  tx: DbOrTx,
  deps: { clock: Clock; config: Config },
  previous: FlatConsent,
  flatLabel: string,
  eventSeq: number,
): void {
  const message = recipientReplacedText(languageOf(previous.language), flatLabel, deps.config.cooperative);
  if (previous.email) {
    enqueueMessage(tx, deps.clock, {
      id: `replaced-${eventSeq}-email`,
      channel: "email",
      kind: "notice",
      recipient: previous.email,
      subject: message.subject,
      text: message.text,
      flatCode: previous.flatCode,
    });
  }
  if (previous.mobile) {
    enqueueMessage(tx, deps.clock, {
      id: `replaced-${eventSeq}-sms`,
      channel: "sms",
      kind: "notice",
      recipient: previous.mobile,
      text: message.text,
      flatCode: previous.flatCode,
    });
  }
}

/** Confirms an enrolment or update by email, in the resident's language (the slip is the primary proof). */
export function noticeEnrolmentConfirmed(
  tx: DbOrTx,
  deps: { clock: Clock; config: Config },
  state: FlatConsent,
  flatLabel: string,
  eventSeq: number,
): void {
  if (!state.email) return;
  const rules = deps.config.rules;
  const summary = channelSummary(
    { email: state.channels.email.consented, sms: state.channels.sms.consented },
    {
      categoryChannels: rules.categoryChannels as CategoryChannels,
      paymentDemandsOnPaper: rules.paymentDemandsOnPaper,
    },
  );
  const message = enrolmentConfirmedText(languageOf(state.language), {
    flatLabel,
    from: state.channels.email.paperUntil ?? state.channels.sms.paperUntil,
    summary,
    cooperative: deps.config.cooperative,
    timezone: deps.config.timezone,
  });
  enqueueMessage(tx, deps.clock, {
    id: `enrolled-${eventSeq}-email`,
    channel: "email",
    kind: "notice",
    recipient: state.email,
    subject: message.subject,
    text: message.text,
    flatCode: state.flatCode,
  });
}
