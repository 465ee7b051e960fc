/**
 * Draws a decoded slip as the printer would: 203 dpi, font A 12×24, QR symbols rasterised from
 * their stored data with the module size the bytes asked for. Output is a greyscale PNG.
 */
import { PNG } from "pngjs";
import QRCode from "qrcode";
import type { DecodedSlip, SlipRow, TextRun } from "./escposDecoder.ts";
import { FONT_BITMAPS, FONT_CHARS } from "./font12x24.ts";

const GLYPH_W = 12;
const GLYPH_H = 24;
/** ESC 2 default line pitch (1/6 inch at 180 dpi ≈ 30 dots). */
const LINE_PITCH = 30;
const MARGIN = 16;

const bitmaps = Buffer.from(FONT_BITMAPS, "base64");
const glyphIndex = new Map<string, number>([...FONT_CHARS].map((ch, i) => [ch, i]));

class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height).fill(255);
  }
  set(x: number, y: number, black: boolean): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels[y * this.width + x] = black ? 0 : 255;
  }
  fill(x: number, y: number, w: number, h: number, black: boolean): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, black);
  }
}

function glyphBit(ch: string, row: number, col: number): boolean {
  const index = glyphIndex.get(ch) ?? glyphIndex.get("?")!;
  const byte = bitmaps[index * 48 + row * 2 + (col >> 3)];
  return (byte & (0x80 >> (col & 7))) !== 0;
}

function runWidth(run: TextRun): number {
  return [...run.text].length * GLYPH_W * run.width;
}

function drawRun(canvas: Canvas, run: TextRun, x0: number, y0: number, lineHeight: number): number {
  let x = x0;
  const w = GLYPH_W * run.width;
  const top = y0 + lineHeight - GLYPH_H * run.height;
  for (const ch of run.text) {
    if (run.inverted) canvas.fill(x, y0, w, lineHeight, true);
    for (let r = 0; r < GLYPH_H * run.height; r++) {
      for (let c = 0; c < w; c++) {
        const on = glyphBit(ch, Math.floor(r / run.height), Math.floor(c / run.width));
        // Emphasised print is double-struck one dot to the right.
        const bold = run.bold && c > 0 && glyphBit(ch, Math.floor(r / run.height), Math.floor((c - 1) / run.width));
        if (on || bold) canvas.set(x + c, top + r, !run.inverted);
      }
    }
    if (run.underline) canvas.fill(x, top + GLYPH_H * run.height - 1, w, 2, !run.inverted);
    x += w;
  }
  return x;
}

function offsetFor(align: "left" | "center" | "right", content: number, paper: number): number {
  if (align === "center") return Math.max(0, Math.floor((paper - content) / 2));
  if (align === "right") return Math.max(0, paper - content);
  return 0;
}

function rowHeight(row: SlipRow): number {
  switch (row.kind) {
    case "text":
      return Math.max(1, ...row.runs.map((r) => r.height)) * GLYPH_H + (LINE_PITCH - GLYPH_H);
    case "feed":
      return row.dots;
    case "qr":
      return QRCode.create(row.data || " ", { errorCorrectionLevel: row.ecc }).modules.size * row.cellSize + 8;
    case "raster":
      return row.height;
  }
}

/** Renders to PNG bytes; `paperDots` is 384 for 58 mm or 576 for 80 mm paper. */
export function renderSlipPng(slip: DecodedSlip, paperDots: number): Buffer {
  const height = MARGIN * 2 + slip.rows.reduce((sum, row) => sum + rowHeight(row), 0);
  const canvas = new Canvas(paperDots + MARGIN * 2, height);
  let y = MARGIN;
  for (const row of slip.rows) {
    const h = rowHeight(row);
    if (row.kind === "text") {
      const content = row.runs.reduce((sum, r) => sum + runWidth(r), 0);
      let x = MARGIN + offsetFor(row.align, content, paperDots);
      for (const run of row.runs) x = drawRun(canvas, run, x, y + (LINE_PITCH - GLYPH_H), h - (LINE_PITCH - GLYPH_H));
    } else if (row.kind === "qr") {
      const { modules } = QRCode.create(row.data || " ", { errorCorrectionLevel: row.ecc });
      const size = modules.size * row.cellSize;
      const x0 = MARGIN + offsetFor(row.align, size, paperDots);
      for (let my = 0; my < modules.size; my++) {
        for (let mx = 0; mx < modules.size; mx++) {
          if (modules.get(my, mx))
            canvas.fill(x0 + mx * row.cellSize, y + 4 + my * row.cellSize, row.cellSize, row.cellSize, true);
        }
      }
    } else if (row.kind === "raster") {
      const x0 = MARGIN + offsetFor(row.align, row.widthBytes * 8, paperDots);
      for (let ry = 0; ry < row.height; ry++) {
        for (let bx = 0; bx < row.widthBytes * 8; bx++) {
          const byte = row.data[ry * row.widthBytes + (bx >> 3)];
          if (byte & (0x80 >> (bx & 7))) canvas.set(x0 + bx, y + ry, true);
        }
      }
    }
    y += h;
  }
  const png = new PNG({ width: canvas.width, height: canvas.height, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data = Buffer.from(canvas.pixels);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
}
