import { describe, expect, it } from "vitest";
import { measureSms } from "../domain/smsText.ts";
import { prepareSms } from "./smsEncoding.ts";

const policy = { maxParts: 3, transliterateLong: true };

describe("SMS encoding policy", () => {
  it("sends GSM-7 text as it is", () => {
    expect(prepareSms("Przypomnienie: oplata do 10.03.", "reminder", policy)).toMatchObject({
      ok: true,
      encoding: "GSM-7",
      segments: 1,
      transliterated: false,
    });
  });

  it("keeps Polish diacritics in codes and short notices (UCS-2)", () => {
    const code = "Kod weryfikacyjny SM Nasz Dom: 123456. Ważny 5 min.";
    expect(prepareSms(code, "otp", policy)).toMatchObject({ ok: true, text: code, encoding: "UCS-2", segments: 1 });
    expect(prepareSms("Awaria wody – usuwamy.", "notice", policy)).toMatchObject({ encoding: "UCS-2" });
  });

  it("transliterates a long Polish text to need fewer segments, only when configured", () => {
    const text = `Szanowni Państwo, przypominamy o płatności za lokal przy ul. Żeromskiego. ${"Dziękujemy. ".repeat(4)}`;
    expect(measureSms(text).segments).toBe(2);
    const folded = prepareSms(text, "reminder", policy);
    expect(folded).toMatchObject({ ok: true, encoding: "GSM-7", segments: 1, transliterated: true });
    expect(folded.ok && folded.text).toContain("Zeromskiego");
    expect(prepareSms(text, "reminder", { ...policy, transliterateLong: false })).toMatchObject({
      encoding: "UCS-2",
      segments: 2,
    });
  });

  it("never exceeds sms.maxParts: transliterates when that is the only way, else refuses", () => {
    const fits = "ą".repeat(67 * 3 + 1);
    expect(prepareSms(fits, "notice", { maxParts: 3, transliterateLong: false })).toMatchObject({
      ok: true,
      encoding: "GSM-7",
      segments: 2,
    });
    expect(prepareSms("x".repeat(153 * 3 + 1), "notice", policy)).toEqual({
      ok: false,
      reason: "too_long",
      segments: 4,
    });
    expect(prepareSms("", "notice", policy)).toMatchObject({ ok: false, reason: "empty" });
  });
});
