/** Message catalogues and the current language (a signal, reset to Polish on wipe). */
import { signal } from "@preact/signals";
import { en } from "./en.ts";
import { type MessageKey, pl } from "./pl.ts";
import { uk } from "./uk.ts";

export type Lang = "pl" | "en" | "uk";
export type { MessageKey };
export const LANGS: Lang[] = ["pl", "en", "uk"];
export const catalogues: Record<Lang, Record<MessageKey, string>> = { pl, en, uk };

export const lang = signal<Lang>("pl");

export type Params = Record<string, string | number>;

/** Looks a key up in the current language and fills `{name}` placeholders. */
export function t(key: MessageKey, params: Params = {}): string {
  const text = catalogues[lang.value][key] ?? pl[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const LOCALES: Record<Lang, string> = { pl: "pl-PL", en: "en-GB", uk: "uk-UA" };

/** A date as people read it on a letter: 16 marca 2026 / 16 March 2026. */
export function formatDate(iso: string | Date): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(LOCALES[lang.value], {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "Europe/Warsaw",
  }).format(date);
}

export function listJoin(items: string[]): string {
  return new Intl.ListFormat(LOCALES[lang.value], { style: "long", type: "conjunction" }).format(items);
}
