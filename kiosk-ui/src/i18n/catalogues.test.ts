import { describe, expect, it } from "vitest";
import { catalogues, LANGS, lang, t } from "./index.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)(?:\}|, plural,)/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  const reference = Object.keys(catalogues.pl).sort();

  it.each(LANGS)("%s has exactly the Polish keys", (code) => {
    const keys = Object.keys(catalogues[code]).sort();
    expect(reference.filter((k) => !keys.includes(k))).toEqual([]);
    expect(keys.filter((k) => !reference.includes(k))).toEqual([]);
  });

  it.each(LANGS)("%s fills the same placeholders and leaves no text empty", (code) => {
    for (const key of reference) {
      const text = catalogues[code][key as keyof typeof catalogues.pl];
      expect(text.trim(), `${code}:${key}`).not.toBe("");
      expect(placeholders(text), `${code}:${key}`).toEqual(
        placeholders(catalogues.pl[key as keyof typeof catalogues.pl]),
      );
    }
  });

  it("says 1 dzień, 2 dni, 5 dni (and the same care in Ukrainian and English)", () => {
    const grace = (code: (typeof LANGS)[number], days: number) => {
      lang.value = code;
      return t("start.graceNote", { days });
    };
    expect(grace("pl", 1)).toContain("Przez 1 dzień ");
    expect(grace("pl", 2)).toContain("Przez 2 dni ");
    expect(grace("pl", 5)).toContain("Przez 5 dni ");
    expect(grace("pl", 22)).toContain("Przez 22 dni ");
    expect(grace("uk", 1)).toContain("1 день");
    expect(grace("uk", 2)).toContain("2 дні");
    expect(grace("uk", 5)).toContain("5 днів");
    expect(grace("en", 1)).toContain("1 day ");
    expect(grace("en", 14)).toContain("14 days ");
    lang.value = "pl";
    expect(t("identify.cooldown", { minutes: 1 })).toContain("za 1 minutę");
    expect(t("identify.cooldown", { minutes: 3 })).toContain("za 3 minuty");
    expect(t("identify.cooldown", { minutes: 15 })).toContain("za 15 minut");
    lang.value = "uk";
    expect(t("identify.cooldown", { minutes: 21 })).toContain("21 хвилину");
    expect(t("identify.cooldown", { minutes: 15 })).toContain("15 хвилин");
    lang.value = "en";
    expect(t("identify.cooldown", { minutes: 1 })).toContain("in 1 minute ");
    lang.value = "pl";
  });

  it("writes every plural with the forms its language needs", () => {
    const needs = { pl: ["one", "few", "many"], uk: ["one", "few", "many"], en: ["one", "other"] } as const;
    for (const code of LANGS) {
      for (const [key, text] of Object.entries(catalogues[code])) {
        for (const m of text.matchAll(/\{\w+, plural,((?:\s*\w+ \{[^{}]*\})+)\s*\}/g)) {
          const forms = [...m[1].matchAll(/(\w+) \{/g)].map((f) => f[1]);
          for (const form of needs[code]) expect(forms, `${code}:${key}`).toContain(form);
        }
      }
    }
  });

  it("switches language and fills placeholders", () => {
    lang.value = "en";
    expect(t("identify.attemptsLeft", { n: 3 })).toBe("Attempts left: 3.");
    lang.value = "uk";
    expect(t("identify.attemptsLeft", { n: 3 })).toBe("Залишилося спроб: 3.");
    lang.value = "pl";
    expect(t("identify.attemptsLeft", { n: 3 })).toBe("Pozostałe próby: 3.");
  });
});
