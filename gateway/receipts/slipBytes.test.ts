import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import iconv from "iconv-lite";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { buildSlipBytes } from "../../drivers/printer/escpos.ts";
import { EscPosDecoder } from "../../drivers/printer/virtual/escposDecoder.ts";
import { validateConfig } from "../config.ts";
import { escapeBytes, fixedTestKey, SAMPLE_INPUT } from "./fixtures.ts";
import { layoutSlip, slipContextOf } from "./layout.ts";
import { signReceipt } from "./qrText.ts";
import { buildSignedReceipt } from "./receiptData.ts";

const GOLDEN = join(import.meta.dirname, "golden");
const config = validateConfig({ dataDir: "/tmp/unused" });

function sampleBytes(widthMm: 58 | 80, duplicate = false): Buffer {
  const data = buildSignedReceipt(SAMPLE_INPUT, "K1-000042", "Europe/Warsaw");
  const slip = signReceipt(data, fixedTestKey());
  const doc = layoutSlip(
    data,
    slip.qr,
    slipContextOf(config, {
      flatLabel: SAMPLE_INPUT.flatLabel,
      duplicate,
      // As the receipt service prints it: the contacts in full, from the register.
      contacts: { email: SAMPLE_INPUT.email, mobile: SAMPLE_INPUT.mobile },
    }),
  );
  return buildSlipBytes(doc, widthMm);
}

function decode(bytes: Buffer) {
  let slip: ReturnType<EscPosDecoder["peek"]> | null = null;
  new EscPosDecoder({ onSlip: (s) => (slip = s) }).push(bytes);
  if (!slip) throw new Error("no cut in the byte stream");
  return slip as ReturnType<EscPosDecoder["peek"]>;
}

describe("the slip's ESC/POS byte stream", () => {
  for (const width of [58, 80] as const) {
    it(`matches the golden byte stream at ${width} mm`, () => {
      const file = join(GOLDEN, `receipt-${width}mm.escpos.txt`);
      const actual = escapeBytes(sampleBytes(width));
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, actual);
      expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(actual).toBe(readFileSync(file, "utf8"));
    });
  }

  it("starts with ESC @ then selects PC852 and ends with a cut", () => {
    const bytes = sampleBytes(58);
    expect([...bytes.subarray(0, 5)]).toEqual([0x1b, 0x40, 0x1b, 0x74, 18]);
    const cut = bytes.lastIndexOf(Buffer.from([0x1d, 0x56, 0x00]));
    expect(cut).toBeGreaterThan(bytes.length - 8);
  });

  it("keeps every text line within 32 columns on 58 mm and 48 on 80 mm", () => {
    for (const [width, cols] of [
      [58, 32],
      [80, 48],
    ] as const) {
      const slip = decode(sampleBytes(width));
      for (const row of slip.rows) {
        if (row.kind !== "text") continue;
        const chars = row.runs.reduce((n, r) => n + [...r.text].length * r.width, 0);
        expect(chars, row.runs.map((r) => r.text).join("")).toBeLessThanOrEqual(cols);
      }
    }
  });

  it("prints Polish letters as PC852 bytes that decode back to the same text", () => {
    const bytes = sampleBytes(80);
    const polish = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ";
    expect([...iconv.encode(polish, "cp852")].every((b) => b >= 0x80)).toBe(true);
    // The owner's name travels as PC852 bytes, not UTF-8.
    expect(bytes.includes(iconv.encode("Małgorzata Żółkiewska-Ślęzak", "cp852"))).toBe(true);
    expect(bytes.includes(Buffer.from("Małgorzata", "utf8"))).toBe(false);
    const text = decode(bytes).text;
    expect(text).toContain("Właściciel: Małgorzata Żółkiewska-Ślęzak");
    expect(text).toContain("ZGODA NA KORESPONDENCJĘ ELEKTRONICZNĄ");
    expect(text).toContain("przerwy w dostawie mediów");
  });

  it("round-trips every Polish letter through the builder and the decoder", () => {
    const data = buildSignedReceipt(
      { ...SAMPLE_INPUT, ownerName: "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ" },
      "K1-000001",
      "Europe/Warsaw",
    );
    const slip = signReceipt(data, fixedTestKey());
    const bytes = buildSlipBytes(layoutSlip(data, slip.qr, slipContextOf(config)), 58);
    expect(decode(bytes).text).toContain("ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ");
  });

  it("marks a reprint DUPLIKAT at the top and the bottom, with the same QR", () => {
    const original = decode(sampleBytes(58));
    const copy = decode(sampleBytes(58, true));
    expect(copy.text.split("\n").filter((l) => l.trim() === "DUPLIKAT")).toHaveLength(2);
    expect(original.text).not.toContain("DUPLIKAT");
    expect(copy.qr).toEqual(original.qr);
  });

  it("carries the QR as a native GS ( k symbol, small enough for 58 mm paper", () => {
    const slip = decode(sampleBytes(58));
    expect(slip.qr).toHaveLength(1);
    const row = slip.rows.find((r) => r.kind === "qr");
    expect(row && row.kind === "qr" && row.cellSize).toBe(4);
    // Alphanumeric mode only, version 14 (73 modules): 292 dots = 36.5 mm wide at 4 dots a module.
    const symbol = QRCode.create(slip.qr[0], { errorCorrectionLevel: "M" });
    expect(symbol.segments.map((seg: { mode: { id: string } }) => seg.mode.id)).toEqual(["Alphanumeric"]);
    expect(symbol.version).toBeLessThanOrEqual(14);
  });
});
