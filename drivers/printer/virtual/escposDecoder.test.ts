import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildSlipBytes } from "../escpos.ts";
import type { SlipDocument } from "../slip.ts";
import { type DecodedSlip, EscPosDecoder } from "./escposDecoder.ts";

const doc: SlipDocument = {
  blocks: [
    { kind: "text", text: " DUPLIKAT ", align: "center", bold: true, inverted: true },
    { kind: "text", text: "POTWIERDZENIE", align: "center", bold: true, large: true },
    { kind: "field", label: "Właściciel:", value: "Grzegorz Brzęczyszczykiewicz z Chrząszczyżewoszyc" },
    { kind: "rule" },
    { kind: "text", text: "Підтвердження згоди" },
    { kind: "text", text: "żółć" },
    { kind: "qr", data: "EK1.kid.payload.signature" },
  ],
};
const bytes = buildSlipBytes(doc, 58);

function decodeInChunks(chunks: Uint8Array[]): { slips: DecodedSlip[]; requests: number[] } {
  const slips: DecodedSlip[] = [];
  const requests: number[] = [];
  const decoder = new EscPosDecoder({ onSlip: (s) => slips.push(s), onStatusRequest: (n) => requests.push(n) });
  for (const chunk of chunks) decoder.push(chunk);
  return { slips, requests };
}

describe("the virtual printer's ESC/POS decoder", () => {
  const whole = decodeInChunks([bytes]).slips[0];

  it("turns the byte stream back into styled lines, the QR and a cut", () => {
    expect(whole.text.split("\n")).toEqual([
      " DUPLIKAT ",
      "POTWIERDZENIE",
      "Właściciel: Grzegorz",
      "  Brzęczyszczykiewicz z",
      "  Chrząszczyżewoszyc",
      "-".repeat(32),
      "Підтвердження згоди",
      "żółć",
      "[QR: EK1.kid.payload.signature]",
      "",
      "",
    ]);
    const rows = whole.rows.filter((r) => r.kind === "text");
    expect(rows[0]).toMatchObject({ align: "center", runs: [{ inverted: true, bold: true }] });
    expect(rows[1]).toMatchObject({ runs: [{ width: 2, height: 2, bold: true }] });
    expect(whole.bytes).toBe(bytes.length - 2);
    expect(whole.warnings).toEqual([]);
  });

  it("decodes the same slip however the bytes are split", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        const chunks: Uint8Array[] = [];
        for (let i = 0, k = 0; i < bytes.length; k++) {
          const size = sizes[k % sizes.length];
          chunks.push(bytes.subarray(i, i + size));
          i += size;
        }
        const { slips } = decodeInChunks(chunks);
        expect(slips).toHaveLength(1);
        expect(slips[0].text).toBe(whole.text);
      }),
      { numRuns: 50 },
    );
  });

  it("answers status requests found between slips and keeps two joined slips apart", () => {
    const status = Buffer.from([0x10, 0x04, 0x01, 0x10, 0x04, 0x04]);
    const { slips, requests } = decodeInChunks([
      Buffer.concat([status, bytes, bytes.subarray(0, 7)]),
      bytes.subarray(7),
    ]);
    expect(requests).toEqual([1, 4]);
    expect(slips.map((s) => s.text)).toEqual([whole.text, whole.text]);
  });
});
