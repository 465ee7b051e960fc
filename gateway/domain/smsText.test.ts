import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isGsm7, measureSms, transliteratePolish } from "./smsText.ts";

describe("SMS measure", () => {
  it.each([
    ["", "GSM-7", 0, 0],
    ["a".repeat(160), "GSM-7", 160, 1],
    ["a".repeat(161), "GSM-7", 161, 2],
    ["a".repeat(306), "GSM-7", 306, 2],
    ["a".repeat(307), "GSM-7", 307, 3],
    ["€".repeat(80), "GSM-7", 80, 1], // 160 septets
    ["€".repeat(81), "GSM-7", 81, 2],
    ["ą".repeat(70), "UCS-2", 70, 1],
    ["ą".repeat(71), "UCS-2", 71, 2],
    ["ą".repeat(134), "UCS-2", 134, 2],
    ["ą".repeat(135), "UCS-2", 135, 3],
  ])("measures %j as %s, %i characters, %i segments", (text, encoding, characters, segments) => {
    expect(measureSms(text)).toMatchObject({ encoding, characters, segments });
  });

  it("counts GSM-7 extension characters as two septets", () => {
    expect(measureSms("[]{}").units).toBe(8);
  });

  it("never splits an escape sequence across segments", () => {
    // 152 plain + '€' (2 septets) does not fit the first 153-septet segment's last slot
    const text = `${"a".repeat(152)}€${"a".repeat(10)}`;
    expect(measureSms(text).segments).toBe(2);
    expect(measureSms(`${"a".repeat(152)}€${"a".repeat(152)}`).segments).toBe(3);
  });

  it("turns Polish diacritics into GSM-7 letters", () => {
    const out = transliteratePolish("Zażółć gęślą jaźń – „Nasz Dom”");
    expect(out).toBe('Zazolc gesla jazn - "Nasz Dom"');
    expect(isGsm7(out)).toBe(true);
  });

  it("property: segments never decrease as text grows, and GSM-7 fits 153 septets per part", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), fc.string({ maxLength: 5 }), (text, more) => {
        const a = measureSms(text);
        const b = measureSms(text + more);
        if (a.encoding === b.encoding) expect(b.segments).toBeGreaterThanOrEqual(a.segments);
        if (a.encoding === "GSM-7" && a.segments > 1) expect(a.units).toBeLessThanOrEqual(a.segments * 153);
        if (a.encoding === "UCS-2" && a.segments > 1) expect(a.units).toBeLessThanOrEqual(a.segments * 67);
      }),
    );
  });

  it("property: transliterated Polish text is always GSM-7 when the rest is ASCII", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(..."ąćęłńóśźżĄĆĘŁŃÓŚŹŻabc XYZ.,!?0123456789")), (chars) => {
        expect(isGsm7(transliteratePolish(chars.join("")))).toBe(true);
      }),
    );
  });
});
