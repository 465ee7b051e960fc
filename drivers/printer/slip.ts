/**
 * A printer-independent description of one slip: the gateway lays it out, the ESC/POS
 * builder turns it into bytes, the virtual printer turns the bytes back into an image.
 */
export type SlipBlock =
  | { kind: "text"; text: string; align?: "left" | "center"; bold?: boolean; large?: boolean; inverted?: boolean }
  /** `label value`, wrapped with the continuation indented under the value. */
  | { kind: "field"; label: string; value: string }
  | { kind: "rule" }
  | { kind: "feed"; lines: number }
  | { kind: "qr"; data: string };

export interface SlipDocument {
  blocks: SlipBlock[];
}

export type PaperWidthMm = 58 | 80;

/** Font A columns: 12-dot glyphs on 384 (58 mm) or 576 (80 mm) printable dots. */
export function columnsFor(widthMm: PaperWidthMm): number {
  return widthMm === 58 ? 32 : 48;
}

export function dotsFor(widthMm: PaperWidthMm): number {
  return widthMm === 58 ? 384 : 576;
}

/** Word wrap to `width` columns, continuation lines indented; words longer than a line are cut. */
export function wrap(text: string, width: number, indent = 0): string[] {
  const pad = " ".repeat(Math.min(indent, width - 1));
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > 0) {
      const base = line === "" ? (lines.length > 0 ? pad : "") : `${line} `;
      if (base.length + word.length <= width) {
        line = base + word;
        word = "";
      } else if (line !== "") {
        lines.push(line);
        line = "";
      } else {
        const room = width - base.length;
        lines.push(base + word.slice(0, room));
        word = word.slice(room);
      }
    }
  }
  if (line !== "") lines.push(line);
  return lines.length > 0 ? lines : [""];
}
