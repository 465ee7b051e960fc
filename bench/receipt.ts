/**
 * Receipt bench: build + sign + encode one confirmation slip through the project's path
 * (signed data → RFC 8785 canonical JSON → Ed25519 → QR text → layout → ESC/POS bytes with
 * node-thermal-printer), p50/p95 over 1,000 slips, against node-thermal-printer alone building
 * an unsigned slip of the same text (same lines, a QR of the unsigned data, cut), measured
 * interleaved in the same run. Targets: ratio ≤ 1.5 and our p95 ≤ 20 ms. Also prints the bytes
 * per slip (a 38400-baud serial line moves about 3.8 kB/s).
 */
import { CharacterSet, BreakLine as NtpBreakLine, PrinterTypes, ThermalPrinter } from "node-thermal-printer";
import { buildSlipBytes } from "../drivers/printer/escpos.ts";
import { columnsFor, type PaperWidthMm } from "../drivers/printer/slip.ts";
import { validateConfig } from "../gateway/config.ts";
import { canonicalJson } from "../gateway/domain/registerEvents.ts";
import { fixedTestKey, SAMPLE_INPUT } from "../gateway/receipts/fixtures.ts";
import { layoutSlip, slipContextOf } from "../gateway/receipts/layout.ts";
import { signReceipt } from "../gateway/receipts/qrText.ts";
import { buildSignedReceipt } from "../gateway/receipts/receiptData.ts";
import { benchMachine } from "./machine.ts";

const machine = benchMachine("receipt");

const N = Number(process.env.BENCH_SLIPS ?? 1000);
const config = validateConfig({ dataDir: "/tmp/unused", logLevel: "silent" });
const key = fixedTestKey();
const ctx = slipContextOf(config, { flatLabel: SAMPLE_INPUT.flatLabel });

function ours(widthMm: PaperWidthMm, i: number): Buffer {
  const data = buildSignedReceipt(
    { ...SAMPLE_INPUT, eventSeq: 1 + i },
    `K1-${String(1 + i).padStart(6, "0")}`,
    config.timezone,
  );
  const slip = signReceipt(data, key);
  return buildSlipBytes(layoutSlip(data, slip.qr, ctx), widthMm);
}

/** The same text as plain node-thermal-printer calls, no signature: the library's own cost. */
function reference(widthMm: PaperWidthMm, i: number): Buffer {
  const data = buildSignedReceipt(
    { ...SAMPLE_INPUT, eventSeq: 1 + i },
    `K1-${String(1 + i).padStart(6, "0")}`,
    config.timezone,
  );
  const unsigned = Buffer.from(canonicalJson(data)).toString("base64url");
  const doc = layoutSlip(data, unsigned, ctx);
  const printer = new ThermalPrinter({
    type: PrinterTypes.EPSON,
    interface: "/dev/null",
    width: columnsFor(widthMm),
    characterSet: CharacterSet.PC852_LATIN2,
    breakLine: NtpBreakLine.WORD,
  });
  for (const block of doc.blocks) {
    if (block.kind === "text") printer.println(block.text);
    else if (block.kind === "field") printer.println(`${block.label} ${block.value}`);
    else if (block.kind === "rule") printer.drawLine();
    else if (block.kind === "feed") printer.newLine();
    else printer.printQR(block.data, { cellSize: 4, correction: "M", model: 2 });
  }
  printer.cut();
  const bytes = Buffer.from(printer.getBuffer());
  printer.clear();
  return bytes;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

for (const widthMm of [80, 58] as const) {
  for (let i = 0; i < 50; i++) {
    ours(widthMm, i);
    reference(widthMm, i);
  }
  const a: number[] = [];
  const b: number[] = [];
  let oursBytes = 0;
  let refBytes = 0;
  for (let i = 0; i < N; i++) {
    let t = performance.now();
    oursBytes = ours(widthMm, i).length;
    a.push(performance.now() - t);
    t = performance.now();
    refBytes = reference(widthMm, i).length;
    b.push(performance.now() - t);
  }
  a.sort((x, y) => x - y);
  b.sort((x, y) => x - y);
  const ratio = percentile(a, 50) / percentile(b, 50);
  console.log(`receipt ${widthMm} mm, ${N} slips`);
  console.log(
    `  ours (build+sign+encode): p50 ${fmt(percentile(a, 50))}  p95 ${fmt(percentile(a, 95))}  ${oursBytes} bytes/slip`,
  );
  console.log(
    `  node-thermal-printer unsigned: p50 ${fmt(percentile(b, 50))}  p95 ${fmt(percentile(b, 95))}  ${refBytes} bytes/slip`,
  );
  console.log(
    `  ratio (p50 ours / reference) ${ratio.toFixed(2)}x (target ≤ 1.5x: ${ratio <= 1.5 ? "met" : "NOT met"}); p95 target ≤ 20 ms: ${percentile(a, 95) <= 20 ? "met" : "NOT met"} ${machine.tag}`,
  );
  console.log(`  at 38400 baud: ${((oursBytes * 10) / 38400).toFixed(2)} s on the line`);
}
