/**
 * The sentences about channels, in Polish first, then English and Ukrainian: rendered from a
 * `ChannelSummary`, never written by hand. One line per channel the resident's letters go by,
 * and one for what the resident will not receive at all (SMS-only notices without SMS consent).
 */
import type { Category, Channel } from "./categories.ts";
import {
  type ChannelConsents,
  type ChannelSummary,
  CONSENT_COMBINATIONS,
  type ConsentCombination,
  categoriesVia,
  channelSummary,
  type SummaryPolicy,
} from "./channelSummary.ts";

export const LANGUAGES = ["pl", "en", "uk"] as const;
export type Language = (typeof LANGUAGES)[number];

export function languageOf(value: string | null | undefined): Language {
  const two = (value ?? "").slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(two) ? (two as Language) : "pl";
}

export const CATEGORY_LABELS: Record<Language, Record<Category, string>> = {
  pl: {
    water_bill: "rachunki za wodę",
    fee_change: "informacje o zmianie opłat",
    payment_reminder: "przypomnienia o płatnościach",
    payment_demand: "wezwania do zapłaty",
    other_letter: "inna korespondencja",
    outage: "awarie",
    utility_interruption: "przerwy w dostawie mediów",
    building_notice: "komunikaty o budynku",
  },
  en: {
    water_bill: "water bills",
    fee_change: "fee changes",
    payment_reminder: "payment reminders",
    payment_demand: "payment demands",
    other_letter: "other letters",
    outage: "outages",
    utility_interruption: "utility interruptions",
    building_notice: "building notices",
  },
  uk: {
    water_bill: "рахунки за воду",
    fee_change: "зміни платежів",
    payment_reminder: "нагадування про оплату",
    payment_demand: "вимоги про оплату",
    other_letter: "інші листи",
    outage: "аварії",
    utility_interruption: "перерви в постачанні комунальних послуг",
    building_notice: "повідомлення про будинок",
  },
};

/** The label before each list; "none" names what is not sent at all. */
export const VIA_LABELS: Record<Language, Record<Channel | "none", string>> = {
  pl: { email: "E-mailem", sms: "SMS-em", paper: "Pocztą", none: "Nie będą wysyłane (są tylko SMS-em)" },
  en: { email: "By email", sms: "By SMS", paper: "By post", none: "Not sent to you (they exist only as SMS)" },
  uk: {
    email: "Електронною поштою",
    sms: "SMS",
    paper: "Поштою",
    none: "Не надсилатимуться (існують лише як SMS)",
  },
};

export interface ChannelLine {
  via: Channel | "none";
  label: string;
  categories: Category[];
  /** The label and the categories as one sentence: "Pocztą: rachunki za wodę, …". */
  text: string;
}

const ORDER: Array<Channel | "none"> = ["email", "sms", "paper", "none"];

export function channelLines(summary: ChannelSummary, language: Language): ChannelLine[] {
  const lines: ChannelLine[] = [];
  for (const via of ORDER) {
    const categories = categoriesVia(summary, via);
    if (categories.length === 0) continue;
    const label = VIA_LABELS[language][via];
    const list = categories.map((c) => CATEGORY_LABELS[language][c]).join(", ");
    lines.push({ via, label, categories, text: `${label}: ${list}.` });
  }
  return lines;
}

/** Every combination's sentences in every language: what the kiosk shows before a choice is made. */
export function channelTexts(policy: SummaryPolicy): Record<Language, Record<ConsentCombination, string[]>> {
  const out = {} as Record<Language, Record<ConsentCombination, string[]>>;
  for (const language of LANGUAGES) {
    out[language] = {} as Record<ConsentCombination, string[]>;
    for (const [key, consents] of Object.entries(CONSENT_COMBINATIONS) as Array<
      [ConsentCombination, ChannelConsents]
    >) {
      out[language][key] = channelLines(channelSummary(consents, policy), language).map((l) => l.text);
    }
  }
  return out;
}
