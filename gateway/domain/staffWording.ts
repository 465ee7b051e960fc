/**
 * What the staff console says, in Polish: register events, delivery failures and channels as
 * sentences office staff read, instead of JSON and English keys.
 */
import type { ConsentEvent } from "./registerEvents.ts";

export const CHANNEL_PL: Record<string, string> = { email: "e-mail", sms: "SMS", paper: "poczta" };

const channelsPl = (channels: readonly string[] | "all") =>
  channels === "all" ? "e-mail i SMS" : channels.map((c) => CHANNEL_PL[c] ?? c).join(" i ") || "—";

const VIA_PL: Record<string, string> = { kiosk: "w kiosku", sms: "SMS-em STOP", office: "w biurze" };

const LANGUAGE_PL: Record<string, string> = { pl: "polski", en: "angielski", uk: "ukraiński" };

/** One readable sentence for a register event (contacts in full: staff are authenticated). */
/** " — formularz papierowy nr …" for events that came from paper (typed in by staff or imported). */
function paperOrigin(p: Record<string, unknown>): string {
  if (p.source !== "paper_form" && p.source !== "paper_import") return "";
  const how = p.source === "paper_import" ? "z importu rejestru papierowego" : "wprowadzony w biurze";
  const date =
    typeof p.appliedAt === "string"
      ? new Date(p.appliedAt).toLocaleDateString("pl-PL", { timeZone: "Europe/Warsaw" })
      : "?";
  return ` — formularz papierowy nr ${p.formReference} z dnia ${date}, ${how} (${p.enteredBy})`;
}

export function describeEvent(event: Pick<ConsentEvent, "type" | "payload">): string {
  const p = event.payload as Record<string, unknown>;
  const contacts = [p.email ? `e-mail ${p.email}` : null, p.mobile ? `tel. ${p.mobile}` : null].filter(Boolean);
  const unverified = Array.isArray(p.unverified) && p.unverified.length > 0;
  const language = typeof p.language === "string" ? `, język: ${LANGUAGE_PL[p.language] ?? p.language}` : "";
  const snapshot = `${channelsPl((p.channels as string[]) ?? [])}; ${contacts.join(", ") || "bez kontaktów"}${
    unverified ? ` (niepotwierdzone: ${channelsPl(p.unverified as string[])})` : ""
  }${language}${paperOrigin(p)}`;
  switch (event.type) {
    case "enrolled":
      return `Zapis do e-Korespondencji: ${snapshot}.`;
    case "contacts_updated":
      return `Zmiana danych kontaktowych: ${snapshot}.`;
    case "recipient_replaced":
      return `Inny współwłaściciel przejął korespondencję: ${snapshot}.`;
    case "withdrawn":
      return `Rezygnacja (${channelsPl(p.channels as string[] | "all")}) ${VIA_PL[String(p.via)] ?? ""}.`.replace(
        " .",
        ".",
      );
    case "office_rejected":
      return `Biuro odrzuciło zgłoszenie nr ${p.rejectedSeq}. Powód: ${p.reason}`;
    case "contact_failing":
      return `Kontakt nie odbiera (${CHANNEL_PL[String(p.channel)] ?? p.channel} ${p.contact}): ${describeFailure(String(p.reason))}.`;
    case "contact_restored":
      return `Kontakt znów odbiera (${CHANNEL_PL[String(p.channel)] ?? p.channel} ${p.contact}).`;
  }
}

const FAILURES: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^(email|sms)_failed: (.*)$/s, (m) => `${m[1] === "sms" ? "SMS" : "E-mail"} nie dotarł: ${describeFailure(m[2])}`],
  [/^sms (.*)$/s, (m) => describeFailure(m[1])],
  [/^delivery_failed$/, () => "operator zgłosił, że SMS nie dotarł (telefon wyłączony, zły lub nieaktywny numer)"],
  [
    /^sms pending for (\d+) min/,
    (m) => `SMS czeka na doręczenie ponad ${m[1]} min (pełna skrzynka SMS lub wyłączony telefon)`,
  ],
  [/^text_too_long \((\d+) segments\)$/, (m) => `tekst za długi na SMS (${m[1]} części)`],
  [/^text_empty|^empty$/, () => "pusty tekst wiadomości"],
  [/^invalid_number/, () => "to nie jest poprawny numer komórkowy"],
  [/^expired after (\d+) attempt/, (m) => `nie udało się wysłać w terminie (prób: ${m[1]})`],
  [/^modem: (.*)$/s, (m) => `modem SMS nie działa (${m[1]})`],
  [/^sender error: (.*)$/s, (m) => `błąd wysyłki (${m[1]})`],
  [/^rejection_reason_by_letter$/, () => "powód odmowy trzeba wysłać listem (brak e-maila)"],
  [/^mailbox_full/, () => "skrzynka odbiorcy jest pełna"],
  [/^5\.1\.\d|^55[0-3]/, (m) => `adres e-mail nie istnieje lub nie przyjmuje poczty (${m.input})`],
  [/^4\d\d/, (m) => `serwer odbiorcy chwilowo odmówił (${m.input})`],
];

/** A delivery failure reason in Polish; the raw reason stays in brackets when not known. */
export function describeFailure(reason: string | null): string {
  if (!reason) return "brak szczegółów";
  for (const [pattern, text] of FAILURES) {
    const m = reason.match(pattern);
    if (m) return text(m);
  }
  return `inny błąd (${reason})`;
}

/** Why a letter was routed to paper on arrival (domain/routing's reason codes), in Polish. */
const ROUTED_PL: Record<string, string> = {
  before_electronic_start: "pismo sprzed startu e-korespondencji",
  payment_demand_on_paper: "wezwanie do zapłaty – zawsze listem",
  no_consent: "brak zgody na e-korespondencję",
  withdrawn: "zgoda wycofana",
  rejected_by_office: "zgłoszenie odrzucone przez biuro",
  grace_period: "14 dni listów po złożeniu zgłoszenia",
  contact_failing: "podany kontakt nie odbiera",
  no_contact: "brak adresu e-mail i numeru telefonu",
  no_electronic_channel: "ten rodzaj pism idzie tylko listem",
  consented: "zgoda na e-korespondencję",
  sms_only_category: "ten rodzaj pism idzie tylko SMS-em",
  routed: "list",
};

/** Why a letter is on the day's paper list, in Polish: a routing reason or a failed delivery. */
export function describePaperReason(reason: string): string {
  return ROUTED_PL[reason] ?? describeFailure(reason);
}
