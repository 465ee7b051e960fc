/**
 * What the slip says, in Polish first (the kiosk language may add one line). Pure: the same
 * signed data and configuration always give the same slip, so a reprint matches the original.
 */
import type { SlipBlock, SlipDocument } from "../../drivers/printer/slip.ts";
import type { Config } from "../config.ts";
import type { CategoryChannels } from "../domain/categories.ts";
import { channelLines, type Language, languageOf } from "../domain/channelSentences.ts";
import { channelSummary } from "../domain/channelSummary.ts";
import { wallClockAt } from "../domain/officeDate.ts";
import { withdrawalWays } from "../domain/withdrawalWays.ts";
import type { SignedReceipt } from "./receiptData.ts";

/** The title in each language; a withdrawal says exactly what was withdrawn. */
type SlipTitle = "enrolment" | "update" | "withdrawal_all" | "withdrawal_sms" | "withdrawal_email";

const TITLES: Record<Language, Record<SlipTitle, string>> = {
  pl: {
    enrolment: "ZGODA NA KORESPONDENCJĘ ELEKTRONICZNĄ",
    update: "AKTUALIZACJA DANYCH KONTAKTOWYCH",
    withdrawal_all: "REZYGNACJA Z CAŁEJ KORESPONDENCJI ELEKTRONICZNEJ (E-MAIL I SMS)",
    withdrawal_sms: "REZYGNACJA Z WIADOMOŚCI SMS",
    withdrawal_email: "REZYGNACJA Z KORESPONDENCJI E-MAILOWEJ",
  },
  en: {
    enrolment: "Consent to electronic correspondence",
    update: "Contact details updated",
    withdrawal_all: "Withdrawal from all electronic correspondence (email and SMS)",
    withdrawal_sms: "Withdrawal from text messages (SMS)",
    withdrawal_email: "Withdrawal from correspondence by email",
  },
  uk: {
    enrolment: "Згода на електронну кореспонденцію",
    update: "Зміна контактних даних",
    withdrawal_all: "Відмова від усієї електронної кореспонденції (e-mail і SMS)",
    withdrawal_sms: "Відмова від SMS",
    withdrawal_email: "Відмова від кореспонденції електронною поштою",
  },
};

/** What a slip is titled: after a withdrawal, the channels left say what was withdrawn. */
export function slipTitle(data: Pick<SignedReceipt, "a" | "c">): SlipTitle {
  if (data.a !== "withdrawal") return data.a;
  if (data.c.length === 0) return "withdrawal_all";
  return data.c.includes("email") ? "withdrawal_sms" : "withdrawal_email";
}

const TRANSLATION_NOTE: Record<Exclude<Language, "pl">, string> = {
  en: "In English (a translation; the Polish text above is binding):",
  uk: "Українською (переклад; обов'язковим є текст польською вище):",
};

export interface SlipContext {
  cooperative: Config["cooperative"];
  categoryChannels: CategoryChannels;
  paymentDemandsOnPaper: boolean;
  timezone: string;
  /** Human flat address; the flat code is printed when unknown. */
  flatLabel?: string;
  duplicate?: boolean;
  /**
   * The contacts in full, from the register: the slip is the resident's own copy and a mistyped
   * address is the first thing to check. The signed data (and so the QR code) keeps them masked.
   */
  contacts?: { email: string | null; mobile: string | null };
}

export function slipContextOf(
  config: Config,
  extra: Pick<SlipContext, "flatLabel" | "duplicate" | "contacts"> = {},
): SlipContext {
  return {
    cooperative: config.cooperative,
    categoryChannels: config.rules.categoryChannels as CategoryChannels,
    paymentDemandsOnPaper: config.rules.paymentDemandsOnPaper,
    timezone: config.timezone,
    ...extra,
  };
}

/** `02.03.2026 11:00` in the cooperative's zone. */
export function localDateTime(iso: string, timezone: string): string {
  const w = wallClockAt(Date.parse(iso), timezone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(w.day)}.${two(w.month)}.${w.year} ${two(w.hour)}:${two(w.minute)}`;
}

/** `2026-03-16` → `16.03.2026` */
export function polishDate(ymd: string): string {
  const [y, m, d] = ymd.split("-");
  return `${d}.${m}.${y}`;
}

function dayBefore(ymd: string): string {
  return new Date(Date.parse(`${ymd}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function summaryOf(data: SignedReceipt, ctx: SlipContext) {
  return channelSummary({ email: data.c.includes("email"), sms: data.c.includes("sms") }, ctx);
}

export function layoutSlip(data: SignedReceipt, qr: string, ctx: SlipContext): SlipDocument {
  const b: SlipBlock[] = [];
  const duplicateBanner: SlipBlock = { kind: "text", text: " DUPLIKAT ", align: "center", bold: true, inverted: true };
  const title = slipTitle(data);
  const lines = channelLines(summaryOf(data, ctx), "pl");
  if (ctx.duplicate) b.push(duplicateBanner);
  b.push({ kind: "text", text: ctx.cooperative.name, align: "center", bold: true });
  b.push({ kind: "text", text: ctx.cooperative.address, align: "center" });
  b.push({ kind: "rule" });
  b.push({ kind: "text", text: "POTWIERDZENIE", align: "center", bold: true, large: true });
  b.push({ kind: "text", text: TITLES.pl[title], align: "center", bold: true });
  b.push({ kind: "rule" });
  b.push({ kind: "field", label: "Nr:", value: data.n });
  b.push({ kind: "field", label: "Data:", value: localDateTime(data.t, ctx.timezone) });
  b.push({ kind: "field", label: "Lokal:", value: ctx.flatLabel ? `${ctx.flatLabel} (${data.f})` : data.f });
  b.push({ kind: "field", label: "Właściciel:", value: data.o });
  const email = ctx.contacts?.email ?? data.e;
  const mobile = ctx.contacts?.mobile ?? data.m;
  if (data.e && email) b.push({ kind: "field", label: "E-mail:", value: email });
  if (data.m && mobile) b.push({ kind: "field", label: "SMS:", value: mobile });
  b.push({ kind: "rule" });

  b.push({ kind: "text", text: "Jak przychodzi korespondencja:", bold: true });
  for (const line of lines) {
    b.push({ kind: "field", label: `${line.label}:`, value: line.text.slice(line.label.length + 2) });
  }
  if (data.c.length > 0 && data.d) {
    b.push({
      kind: "text",
      text: `E-mail/SMS od ${polishDate(data.d)}. Do ${polishDate(dayBefore(data.d))} włącznie korespondencja przychodzi jeszcze pocztą.`,
    });
  }
  if (data.cv) b.push({ kind: "field", label: "Wersja treści zgody:", value: data.cv });
  if (data.c.length > 0) b.push({ kind: "text", text: withdrawalWays("pl", ctx.cooperative.officeEmail) });
  b.push({ kind: "text", text: "Prosimy o niezwłoczne zgłaszanie zmian adresu e-mail i numeru telefonu." });
  b.push({ kind: "field", label: "Zdarzenie w rejestrze:", value: `#${data.s} ${data.h}` });

  const language = languageOf(data.l);
  if (language !== "pl") {
    b.push({ kind: "rule" });
    b.push({ kind: "text", text: TRANSLATION_NOTE[language] });
    b.push({ kind: "text", text: TITLES[language][title], bold: true });
    for (const line of channelLines(summaryOf(data, ctx), language)) b.push({ kind: "text", text: line.text });
    if (data.c.length > 0) b.push({ kind: "text", text: withdrawalWays(language, ctx.cooperative.officeEmail) });
  }
  b.push({ kind: "feed", lines: 1 });
  b.push({ kind: "qr", data: qr });
  b.push({ kind: "text", text: "Kod QR potwierdza autentyczność (podpis kiosku).", align: "center" });
  b.push({ kind: "text", text: `${ctx.cooperative.officePhone} | ${ctx.cooperative.website}`, align: "center" });
  if (ctx.duplicate) b.push(duplicateBanner);
  return { blocks: b };
}
