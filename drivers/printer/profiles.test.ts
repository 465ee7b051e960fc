/**
 * Each printer profile through the ESC/POS decoder: the code page it selects (and the bytes of
 * the Polish letters in it), transliteration without one, and the QR as GS ( k or as a GS v 0
 * raster image that still scans.
 */
import jsQR from "jsqr";
import { describe, expect, it } from "vitest";
import { buildSlipBytes } from "./escpos.ts";
import { codePageTable, type PrinterProfile, resolveProfile, transliterate } from "./profiles.ts";
import type { SlipDocument } from "./slip.ts";
import { type DecodedSlip, EscPosDecoder, type SlipRow } from "./virtual/escposDecoder.ts";

const QR = "EK1.K1-000042.profile-test";
const doc: SlipDocument = {
  blocks: [
    { kind: "text", text: "Potwierdzenie zgłoszenia", align: "center", bold: true },
    { kind: "field", label: "Właściciel:", value: "Łucja Źdźbło" },
    { kind: "text", text: "Підтвердження" },
    { kind: "qr", data: QR },
  ],
};

const ESC_INIT = [0x1b, 0x40];
const GS_K = Buffer.from([0x1d, 0x28, 0x6b]);
const GS_V0 = Buffer.from([0x1d, 0x76, 0x30]);

function decode(bytes: Buffer, profile: PrinterProfile, codePages = codePageTable(profile)): DecodedSlip {
  const slips: DecodedSlip[] = [];
  new EscPosDecoder({ onSlip: (s) => slips.push(s) }, { codePages }).push(bytes);
  expect(slips).toHaveLength(1);
  return slips[0];
}

/** Reads the QR back from a raster row, as a phone would from the paper. */
function scanRaster(row: Extract<SlipRow, { kind: "raster" }>): string | undefined {
  const width = row.widthBytes * 8;
  const rgba = new Uint8ClampedArray(width * row.height * 4);
  for (let y = 0; y < row.height; y++) {
    for (let x = 0; x < width; x++) {
      const dark = (row.data[y * row.widthBytes + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
      rgba.fill(dark ? 0 : 255, (y * width + x) * 4, (y * width + x) * 4 + 3);
      rgba[(y * width + x) * 4 + 3] = 255;
    }
  }
  return jsQR(rgba, width, row.height)?.data;
}

describe("printer profiles, byte by byte", () => {
  it("epson: PC852 at ESC t 18 and the native QR command", () => {
    const profile = resolveProfile("epson");
    const bytes = buildSlipBytes(doc, 80, profile);
    expect([...bytes.subarray(0, 5)]).toEqual([...ESC_INIT, 0x1b, 0x74, 18]);
    // Ł is 0x9D and ź 0xAB in PC852.
    expect(bytes.includes(Buffer.from([0x9d, 0x75, 0x63, 0x6a, 0x61]))).toBe(true);
    expect(bytes.includes(GS_K)).toBe(true);
    expect(bytes.includes(GS_V0)).toBe(false);
    const slip = decode(bytes, profile);
    expect(slip.text).toContain("Właściciel: Łucja Źdźbło");
    expect(slip.text).toContain("Підтвердження");
    expect(slip.qr).toEqual([QR]);
  });

  it("generic: PC852 at ESC t 18, the QR as a raster image that scans", () => {
    const profile = resolveProfile("generic");
    const bytes = buildSlipBytes(doc, 58, profile);
    expect([...bytes.subarray(0, 5)]).toEqual([...ESC_INIT, 0x1b, 0x74, 18]);
    expect(bytes.includes(GS_K)).toBe(false);
    const at = bytes.indexOf(GS_V0);
    expect(at).toBeGreaterThan(0);
    // m = 0, then the width in bytes and the height in dots: 4 dots a module on 58 mm paper.
    const widthBytes = bytes[at + 4] | (bytes[at + 5] << 8);
    const height = bytes[at + 6] | (bytes[at + 7] << 8);
    expect(bytes[at + 3]).toBe(0);
    expect(height % 4).toBe(0);
    expect(widthBytes * 8).toBeLessThanOrEqual(384);
    const slip = decode(bytes, profile);
    expect(slip.text).toContain("Właściciel: Łucja Źdźbło");
    // The Ukrainian line does not fit PC852 on a non-Epson table: transliterated, not garbage.
    expect(slip.text).toContain("Pidtverdzhennia");
    const raster = slip.rows.find((r) => r.kind === "raster");
    expect(raster && scanRaster(raster)).toBe(QR);
  });

  it("ascii: no code page selected, transliterated text, raster QR", () => {
    const profile = resolveProfile("ascii");
    const bytes = buildSlipBytes(doc, 80, profile);
    expect(bytes.includes(Buffer.from([0x1b, 0x74]))).toBe(false);
    expect([...bytes].every((b, i) => b < 0x80 || bytes.subarray(0, i).includes(GS_V0))).toBe(true);
    const slip = decode(bytes, profile);
    expect(slip.text).toContain("Wlasciciel: Lucja Zdzblo");
    expect(slip.text).toContain("Potwierdzenie zgloszenia");
    const raster = slip.rows.find((r) => r.kind === "raster");
    expect(raster && scanRaster(raster)).toBe(QR);
  });

  it("a configured code page (WPC1250 at this vendor's ESC t 72) is selected and decodes only with that table", () => {
    const profile = resolveProfile("generic", { codePage: { encoding: "win1250", escT: 72 }, qr: "native" });
    const bytes = buildSlipBytes(doc, 80, profile);
    expect([...bytes.subarray(0, 5)]).toEqual([...ESC_INIT, 0x1b, 0x74, 72]);
    // Ł is 0xA3 and ź 0x9F in Windows-1250.
    expect(bytes.includes(Buffer.from([0xa3, 0x75, 0x63, 0x6a, 0x61]))).toBe(true);
    expect(bytes.includes(GS_K)).toBe(true);
    expect(decode(bytes, profile).text).toContain("Właściciel: Łucja Źdźbło");
    // A printer with Epson's table would print something else: the table matters.
    expect(decode(bytes, profile, {}).text).not.toContain("Łucja");
  });

  it("WPC1250 at ESC t 45 (Epson's number) works as a code page override", () => {
    const profile = resolveProfile("epson", { codePage: { encoding: "win1250", escT: 45 } });
    const bytes = buildSlipBytes(doc, 80, profile);
    expect([...bytes.subarray(0, 5)]).toEqual([...ESC_INIT, 0x1b, 0x74, 45]);
    expect(decode(bytes, profile, {}).text).toContain("Właściciel: Łucja Źdźbło");
  });

  it("transliterates Polish and Ukrainian letters to readable ASCII", () => {
    expect(transliterate("Zażółć gęślą jaźń ŁÓDŹ")).toBe("Zazolc gesla jazn LODZ");
    expect(transliterate("Київ, Ґанок")).toBe("Kyiv, Ganok");
  });
});
