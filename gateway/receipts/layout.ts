/**
 * What the slip says, in Polish first (the kiosk language may add one line). Pure: the same
 * signed data and configuration always give the same slip, so a reprint matches the original.
 */
import type { SlipBlock, SlipDocument } from "../../drivers/printer/slip.ts";
import type { Config } from "../config.ts";
import { CATEGORIES, type Category, type CategoryChannels } from "../domain/categories.ts";
import type { ReceiptAction, SignedReceipt } from "./receiptData.ts";

export const CATEGORY_LABELS_PL: Record<Category, string> = {
  water_bill: "rachunki za wodę",
  fee_change: "informacje o zmianie opłat",
  payment_reminder: "przypomnienia o płatnościach",
  payment_demand: "wezwania do zapłaty",
  other_letter: "inna korespondencja",
  outage: "awarie",
  utility_interruption: "przerwy w dostawie mediów",
  building_notice: "komunikaty o budynku",
};

const TITLES: Record<ReceiptAction, string> = {
  enrolment: "ZGODA NA KORESPONDENCJĘ ELEKTRONICZNĄ",
  update: "AKTUALIZACJA DANYCH KONTAKTOWYCH",
  withdrawal: "REZYGNACJA Z KORESPONDENCJI ELEKTRONICZNEJ",
};

/** One extra line for residents who used the kiosk in another language. */
const LANGUAGE_LINE: Record<string, Record<ReceiptAction, string>> = {
  en: {
    enrolment: "Confirmation: you agreed to receive letters by e-mail/SMS.",
    update: "Confirmation: your contact details were updated.",
    withdrawal: "Confirmation: electronic letters stopped; paper again.",
  },
  uk: {
    enrolment: "Підтвердження згоди на листування e-mail/SMS.",
    update: "Підтвердження зміни контактних даних.",
    withdrawal: "Підтвердження відмови від електронного листування.",
  },
};

export interface SlipContext {
  cooperative: Config["cooperative"];
  categoryChannels: CategoryChannels;
  paymentDemandsOnPaper: boolean;
  timezone: string;
  /** Human flat address; the flat code is printed when unknown. */
  flatLabel?: string;
  duplicate?: boolean;
}

export function slipContextOf(config: Config, extra: Pick<SlipContext, "flatLabel" | "duplicate"> = {}): SlipContext {
  return {
    cooperative: config.cooperative,
    categoryChannels: config.rules.categoryChannels as CategoryChannels,
    paymentDemandsOnPaper: config.rules.paymentDemandsOnPaper,
    timezone: config.timezone,
    ...extra,
  };
}

/** `02.03.2026 11:00` in the cooperative's zone. */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function localDateTime(iso: string, timezone: string): string {
  let format = dateTimeFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    dateTimeFormats.set(timezone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

/** `2026-03-16` → `16.03.2026` */
export function polishDate(ymd: string): string {
  const [y, m, d] = ymd.split("-");
  return `${d}.${m}.${y}`;
}

function dayBefore(ymd: string): string {
  return new Date(Date.parse(`${ymd}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** Categories that go by `channel` for this resident (payment demands stay on paper by policy). */
export function categoriesBy(channel: "email" | "sms", ctx: SlipContext): Category[] {
  return CATEGORIES.filter(
    (c) => ctx.categoryChannels[c].includes(channel) && !(c === "payment_demand" && ctx.paymentDemandsOnPaper),
  );
}

function paperCategories(data: SignedReceipt, ctx: SlipContext): Category[] {
  return CATEGORIES.filter((c) => {
    if (c === "payment_demand" && ctx.paymentDemandsOnPaper) return true;
    const letter = ctx.categoryChannels[c].includes("email");
    return letter && !ctx.categoryChannels[c].some((ch) => data.c.includes(ch));
  });
}

export function layoutSlip(data: SignedReceipt, qr: string, ctx: SlipContext): SlipDocument {
  const b: SlipBlock[] = [];
  const duplicateBanner: SlipBlock = { kind: "text", text: " DUPLIKAT ", align: "center", bold: true, inverted: true };
  if (ctx.duplicate) b.push(duplicateBanner);
  b.push({ kind: "text", text: ctx.cooperative.name, align: "center", bold: true });
  b.push({ kind: "text", text: ctx.cooperative.address, align: "center" });
  b.push({ kind: "rule" });
  b.push({ kind: "text", text: "POTWIERDZENIE", align: "center", bold: true, large: true });
  b.push({ kind: "text", text: TITLES[data.a], align: "center", bold: true });
  b.push({ kind: "rule" });
  b.push({ kind: "field", label: "Nr:", value: data.n });
  b.push({ kind: "field", label: "Data:", value: localDateTime(data.t, ctx.timezone) });
  b.push({ kind: "field", label: "Lokal:", value: ctx.flatLabel ? `${ctx.flatLabel} (${data.f})` : data.f });
  b.push({ kind: "field", label: "Właściciel:", value: data.o });
  if (data.e) b.push({ kind: "field", label: "E-mail:", value: data.e });
  if (data.m) b.push({ kind: "field", label: "SMS:", value: data.m });
  b.push({ kind: "rule" });

  if (data.c.length > 0) {
    const from = data.d ? ` od ${polishDate(data.d)}` : "";
    b.push({ kind: "text", text: `Korespondencja elektroniczna${from}:`, bold: true });
    if (data.c.includes("email")) {
      b.push({
        kind: "field",
        label: "E-mail:",
        value: categoriesBy("email", ctx)
          .map((c) => CATEGORY_LABELS_PL[c])
          .join(", "),
      });
    }
    if (data.c.includes("sms")) {
      b.push({
        kind: "field",
        label: "SMS:",
        value: categoriesBy("sms", ctx)
          .map((c) => CATEGORY_LABELS_PL[c])
          .join(", "),
      });
    }
    if (data.d)
      b.push({
        kind: "text",
        text: `Do ${polishDate(dayBefore(data.d))} włącznie korespondencja przychodzi jeszcze pocztą.`,
      });
  } else {
    b.push({ kind: "text", text: "Cała korespondencja będzie przesyłana pocztą.", bold: true });
  }
  const paper = paperCategories(data, ctx);
  if (data.c.length > 0 && paper.length > 0) {
    b.push({ kind: "field", label: "Zawsze pocztą:", value: paper.map((c) => CATEGORY_LABELS_PL[c]).join(", ") });
  }
  if (data.cv) b.push({ kind: "field", label: "Wersja treści zgody:", value: data.cv });
  if (data.a !== "withdrawal") {
    b.push({
      kind: "text",
      text: `Rezygnacja w każdej chwili: w tym kiosku, w biurze Spółdzielni lub e-mailem: ${ctx.cooperative.officeEmail}.`,
    });
  }
  b.push({ kind: "text", text: "Prosimy o niezwłoczne zgłaszanie zmian adresu e-mail i numeru telefonu." });
  b.push({ kind: "field", label: "Zdarzenie w rejestrze:", value: `#${data.s} ${data.h}` });
  const extra = LANGUAGE_LINE[data.l]?.[data.a];
  if (extra) b.push({ kind: "text", text: extra });
  b.push({ kind: "feed", lines: 1 });
  b.push({ kind: "qr", data: qr });
  b.push({ kind: "text", text: "Kod QR potwierdza autentyczność (podpis kiosku).", align: "center" });
  b.push({ kind: "text", text: `${ctx.cooperative.officePhone} | ${ctx.cooperative.website}`, align: "center" });
  if (ctx.duplicate) b.push(duplicateBanner);
  return { blocks: b };
}
