/** Plain Polish notices the register's changes trigger (queued through the outbox). */
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { DbOrTx } from "../deps.ts";
import type { FlatConsent } from "../domain/consentState.ts";
import { enqueueMessage } from "../messaging/outbox.ts";

const dateFmt = (iso: string, timezone: string) =>
  new Intl.DateTimeFormat("pl-PL", { timeZone: timezone, day: "2-digit", month: "2-digit", year: "numeric" }).format(
    new Date(iso),
  );

/** Tells the previous designated recipient that another co-owner took over the flat. */
export function noticeRecipientReplaced(
  tx: DbOrTx,
  deps: { clock: Clock; config: Config },
  previous: FlatConsent,
  flatLabel: string,
  eventSeq: number,
): void {
  const coop = deps.config.cooperative.shortName;
  const text = `${coop}: od dziś korespondencję elektroniczną dla lokalu ${flatLabel} otrzymuje inny współwłaściciel. Pani/Pana dane kontaktowe nie będą już używane dla tego lokalu. Pytania: ${deps.config.cooperative.officePhone}.`;
  if (previous.email) {
    enqueueMessage(tx, deps.clock, {
      id: `replaced-${eventSeq}-email`,
      channel: "email",
      kind: "notice",
      recipient: previous.email,
      subject: `Zmiana odbiorcy korespondencji – ${flatLabel}`,
      text,
      flatCode: previous.flatCode,
    });
  }
  if (previous.mobile) {
    enqueueMessage(tx, deps.clock, {
      id: `replaced-${eventSeq}-sms`,
      channel: "sms",
      kind: "notice",
      recipient: previous.mobile,
      text,
      flatCode: previous.flatCode,
    });
  }
}

/** Confirms an enrolment or update by email (the slip is the primary proof). */
export function noticeEnrolmentConfirmed(
  tx: DbOrTx,
  deps: { clock: Clock; config: Config },
  state: FlatConsent,
  flatLabel: string,
  eventSeq: number,
): void {
  if (!state.email) return;
  const from = state.channels.email.paperUntil ?? state.channels.sms.paperUntil;
  const when = from ? dateFmt(from, deps.config.timezone) : "—";
  enqueueMessage(tx, deps.clock, {
    id: `enrolled-${eventSeq}-email`,
    channel: "email",
    kind: "notice",
    recipient: state.email,
    subject: `Potwierdzenie zapisu do e-Korespondencji – ${flatLabel}`,
    text: [
      "Dzień dobry,",
      "",
      `potwierdzamy zapis lokalu ${flatLabel} do korespondencji elektronicznej ${deps.config.cooperative.name}.`,
      `Korespondencja elektroniczna zastąpi papierową od ${when}. Do tego dnia listy przychodzą pocztą.`,
      "Wezwania do zapłaty nadal wysyłamy pocztą.",
      "Zgodę można wycofać w kiosku, odpowiadając SMS-em STOP lub w biurze Spółdzielni.",
    ].join("\n"),
    flatCode: state.flatCode,
  });
}
