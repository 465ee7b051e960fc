import { describe, expect, it } from "vitest";
import { catalogues, LANGS, lang, t } from "./index.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

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

  it("switches language and fills placeholders", () => {
    lang.value = "en";
    expect(t("identify.attemptsLeft", { n: 3 })).toBe("Attempts left: 3.");
    lang.value = "uk";
    expect(t("identify.attemptsLeft", { n: 3 })).toBe("Залишилося спроб: 3.");
    lang.value = "pl";
    expect(t("identify.attemptsLeft", { n: 3 })).toBe("Pozostałe próby: 3.");
  });
});
