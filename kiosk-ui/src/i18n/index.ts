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

const LOCALES: Record<Lang, string> = { pl: "pl-PL", en: "en-GB", uk: "uk-UA" };

/** `{days, plural, one {# dzień} few {# dni} many {# dni} other {# dnia}}`: the forms by Intl.PluralRules. */
const PLURAL = /\{(\w+), plural,((?:\s*\w+ \{[^{}]*\})+)\s*\}/g;
const FORM = /(\w+) \{([^{}]*)\}/g;

export function plural(language: Lang, n: number, forms: string): string {
  const wanted = new Intl.PluralRules(LOCALES[language]).select(n);
  const found = new Map([...forms.matchAll(FORM)].map((m) => [m[1], m[2]]));
  const text = found.get(wanted) ?? found.get("other") ?? "";
  return text.replace(/#/g, String(n));
}

/** Looks a key up in the current language, chooses plural forms and fills `{name}` placeholders. */
export function t(key: MessageKey, params: Params = {}): string {
  const text = catalogues[lang.value][key] ?? pl[key];
  return text
    .replace(PLURAL, (whole, name: string, forms: string) =>
      typeof params[name] === "number" ? plural(lang.value, params[name], forms) : whole,
    )
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

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
