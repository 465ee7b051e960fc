/**
 * Streaming ESC/POS interpreter for the virtual printer: feed it the bytes a real printer
 * would get (split anywhere) and it produces rows of styled text, QR symbols and raster
 * images, answers DLE EOT, and hands over a finished slip at every cut.
 */
import iconv from "iconv-lite";
import type { StatusKind } from "../status.ts";

/** ESC t n → the encoding (as node-thermal-printer's Epson table names them). */
export const CODE_PAGE_ENCODINGS: Record<number, string> = {
  0: "cp437",
  2: "cp850",
  3: "cp860",
  4: "cp863",
  5: "cp865",
  13: "cp857",
  14: "cp737",
  15: "iso-8859-7",
  16: "cp1252",
  17: "cp866",
  18: "cp852",
  19: "cp858",
  33: "cp775",
  34: "cp855",
  35: "cp861",
  36: "cp862",
  37: "cp864",
  38: "cp869",
  39: "iso-8859-2",
  40: "iso-8859-15",
  44: "cp1125",
  45: "win1250",
  46: "win1251",
};

export interface TextRun {
  text: string;
  bold: boolean;
  inverted: boolean;
  underline: boolean;
  width: number;
  height: number;
}

export type Align = "left" | "center" | "right";

export type SlipRow =
  | { kind: "text"; align: Align; runs: TextRun[] }
  | { kind: "feed"; dots: number }
  | { kind: "qr"; align: Align; data: string; cellSize: number; ecc: "L" | "M" | "Q" | "H" }
  | { kind: "raster"; align: Align; widthBytes: number; height: number; data: Buffer };

export interface DecodedSlip {
  rows: SlipRow[];
  /** Plain text, one line per printed line, QR symbols as `[QR: …]`. */
  text: string;
  qr: string[];
  bytes: number;
  warnings: string[];
}

interface Style {
  bold: boolean;
  inverted: boolean;
  underline: boolean;
  width: number;
  height: number;
  align: Align;
  codePage: number;
}

const initialStyle = (): Style => ({
  bold: false,
  inverted: false,
  underline: false,
  width: 1,
  height: 1,
  align: "left",
  codePage: 0,
});

const ALIGN: Record<number, Align> = { 0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right" };
const ECC: Record<number, "L" | "M" | "Q" | "H"> = { 48: "L", 49: "M", 50: "Q", 51: "H" };

export interface DecoderEvents {
  onStatusRequest?(n: StatusKind): void;
  onSlip?(slip: DecodedSlip): void;
}

/** Needs more bytes before the command at hand can be interpreted. */
const MORE = -1;

export class EscPosDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private style = initialStyle();
  private rows: SlipRow[] = [];
  private runs: TextRun[] = [];
  private runBytes: number[] = [];
  private qrData = "";
  private qrCell = 3;
  private qrEcc: "L" | "M" | "Q" | "H" = "L";
  private bytesInSlip = 0;
  private warnings: string[] = [];

  private readonly codePages: Record<number, string>;

  /** `codePages`: this printer's `ESC t n` numbers where they differ from Epson's table. */
  constructor(
    private readonly events: DecoderEvents = {},
    options: { codePages?: Record<number, string> } = {},
  ) {
    this.codePages = { ...CODE_PAGE_ENCODINGS, ...options.codePages };
  }

  push(chunk: Uint8Array): void {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    let i = 0;
    while (i < buf.length) {
      const used = this.step(buf, i);
      if (used === MORE) break;
      this.bytesInSlip += used;
      i += used;
    }
    this.pending = Buffer.from(buf.subarray(i));
  }

  /** What is on the paper so far (a slip without a cut yet). */
  peek(): DecodedSlip {
    return this.snapshot();
  }

  private step(b: Buffer, i: number): number {
    const c = b[i];
    const need = (n: number) => i + n <= b.length;
    if (c === 0x0a) {
      this.endLine();
      return 1;
    }
    if (c === 0x0d) return 1;
    if (c === 0x09) {
      this.runBytes.push(0x20);
      return 1;
    }
    if (c === 0x10) {
      if (!need(2)) return MORE;
      if (b[i + 1] === 0x04 || b[i + 1] === 0x05) {
        if (!need(3)) return MORE;
        if (b[i + 1] === 0x04 && b[i + 2] >= 1 && b[i + 2] <= 4) this.events.onStatusRequest?.(b[i + 2] as StatusKind);
        return 3;
      }
      if (b[i + 1] === 0x14) return need(5) ? 5 : MORE;
      return 1;
    }
    if (c === 0x1b) return this.esc(b, i);
    if (c === 0x1d) return this.gs(b, i);
    if (c === 0x1c) return need(2) ? 2 : MORE;
    if (c < 0x20) return 1;
    this.runBytes.push(c);
    return 1;
  }

  private esc(b: Buffer, i: number): number {
    if (i + 2 > b.length) return MORE;
    const cmd = b[i + 1];
    const arg = (k = 0) => b[i + 2 + k];
    const with1 = (apply: (n: number) => void): number => {
      if (i + 3 > b.length) return MORE;
      apply(arg());
      return 3;
    };
    switch (cmd) {
      case 0x40: // ESC @
        this.flushRun();
        this.style = initialStyle();
        return 2;
      case 0x32: // ESC 2 default line spacing
        return 2;
      case 0x74: // ESC t n
        return with1((n) => this.restyle({ codePage: n }));
      case 0x61: // ESC a n
        return with1((n) => this.restyle({ align: ALIGN[n] ?? "left" }));
      case 0x45: // ESC E n
      case 0x47: // ESC G n
        return with1((n) => this.restyle({ bold: (n & 1) === 1 }));
      case 0x2d: // ESC - n
        return with1((n) => this.restyle({ underline: (n & 3) > 0 }));
      case 0x21: // ESC ! n
        return with1((n) =>
          this.restyle({
            bold: (n & 0x08) !== 0,
            height: n & 0x10 ? 2 : 1,
            width: n & 0x20 ? 2 : 1,
            underline: (n & 0x80) !== 0,
          }),
        );
      case 0x64: // ESC d n: print and feed n lines
        return with1((n) => {
          this.endLine(true);
          if (n > 0) this.rows.push({ kind: "feed", dots: n * 30 });
        });
      case 0x4a: // ESC J n: feed n dots
        return with1((n) => {
          this.endLine(true);
          this.rows.push({ kind: "feed", dots: n });
        });
      case 0x33: // ESC 3 n
      case 0x4d: // ESC M n
      case 0x52: // ESC R n
      case 0x7b: // ESC { n
      case 0x56: // ESC V n
      case 0x20: // ESC SP n
      case 0x63: // ESC c x n
      case 0x55: // ESC U n
        return i + 3 <= b.length ? 3 : MORE;
      case 0x24: // ESC $ nL nH
      case 0x42: // ESC B n t (beep on some models)
        return i + 4 <= b.length ? 4 : MORE;
      case 0x70: // ESC p m t1 t2
        return i + 5 <= b.length ? 5 : MORE;
      default:
        this.warnings.push(`unknown ESC 0x${cmd.toString(16)}`);
        return 2;
    }
  }

  private gs(b: Buffer, i: number): number {
    if (i + 2 > b.length) return MORE;
    const cmd = b[i + 1];
    switch (cmd) {
      case 0x21: // GS ! n
        if (i + 3 > b.length) return MORE;
        this.restyle({ width: ((b[i + 2] >> 4) & 7) + 1, height: (b[i + 2] & 7) + 1 });
        return 3;
      case 0x42: // GS B n
        if (i + 3 > b.length) return MORE;
        this.restyle({ inverted: (b[i + 2] & 1) === 1 });
        return 3;
      case 0x56: {
        // GS V m [n]
        if (i + 3 > b.length) return MORE;
        const m = b[i + 2];
        const len = m === 65 || m === 66 || m === 97 || m === 98 ? 4 : 3;
        if (i + len > b.length) return MORE;
        this.cut(len);
        return len;
      }
      case 0x28: {
        // GS ( k pL pH cn fn [params]
        if (i + 5 > b.length) return MORE;
        const len = 5 + b[i + 3] + b[i + 4] * 256;
        if (i + len > b.length) return MORE;
        if (b[i + 2] === 0x6b) this.symbol(b.subarray(i + 5, i + len));
        return len;
      }
      case 0x76: {
        // GS v 0 m xL xH yL yH d…
        if (i + 8 > b.length) return MORE;
        const widthBytes = b[i + 4] + b[i + 5] * 256;
        const height = b[i + 6] + b[i + 7] * 256;
        const len = 8 + widthBytes * height;
        if (i + len > b.length) return MORE;
        this.endLine(true);
        const data = Buffer.from(b.subarray(i + 8, i + len));
        this.rows.push({ kind: "raster", align: this.style.align, widthBytes, height, data });
        return len;
      }
      case 0x48: // GS H n
      case 0x66: // GS f n
      case 0x77: // GS w n
      case 0x68: // GS h n
      case 0x61: // GS a n
        return i + 3 <= b.length ? 3 : MORE;
      case 0x4c: // GS L nL nH
      case 0x57: // GS W nL nH
        return i + 4 <= b.length ? 4 : MORE;
      case 0x6b: {
        // GS k m …: barcodes are not drawn, only noted
        if (i + 4 > b.length) return MORE;
        const m = b[i + 2];
        if (m >= 65) {
          const len = 4 + b[i + 3];
          if (i + len > b.length) return MORE;
          this.warnings.push("barcode not rendered");
          return len;
        }
        const end = b.indexOf(0, i + 3);
        if (end < 0) return MORE;
        this.warnings.push("barcode not rendered");
        return end + 1 - i;
      }
      default:
        this.warnings.push(`unknown GS 0x${cmd.toString(16)}`);
        return 2;
    }
  }

  /** GS ( k for QR (cn = 49): model, module size, error correction, store, print. */
  private symbol(p: Buffer): void {
    const [cn, fn] = [p[0], p[1]];
    if (cn !== 0x31) {
      this.warnings.push(`2D symbol cn=${cn} not rendered`);
      return;
    }
    if (fn === 0x43) this.qrCell = p[2];
    else if (fn === 0x45) this.qrEcc = ECC[p[2]] ?? "L";
    else if (fn === 0x50) this.qrData = p.subarray(3).toString("latin1");
    else if (fn === 0x51) {
      this.endLine(true);
      this.rows.push({
        kind: "qr",
        align: this.style.align,
        data: this.qrData,
        cellSize: this.qrCell,
        ecc: this.qrEcc,
      });
    }
  }

  private restyle(change: Partial<Style>): void {
    this.flushRun();
    this.style = { ...this.style, ...change };
  }

  private flushRun(): void {
    if (this.runBytes.length === 0) return;
    const encoding = this.codePages[this.style.codePage] ?? "cp437";
    const { bold, inverted, underline, width, height } = this.style;
    this.runs.push({
      text: iconv.decode(Buffer.from(this.runBytes), encoding),
      bold,
      inverted,
      underline,
      width,
      height,
    });
    this.runBytes = [];
  }

  /** LF prints the line (an empty one feeds); commands that print and feed only end text. */
  private endLine(onlyIfText = false): void {
    this.flushRun();
    if (onlyIfText && this.runs.length === 0) return;
    this.rows.push({ kind: "text", align: this.style.align, runs: this.runs });
    this.runs = [];
  }

  private snapshot(): DecodedSlip {
    const rows = [...this.rows];
    const lines: string[] = [];
    const qr: string[] = [];
    for (const row of rows) {
      if (row.kind === "text") lines.push(row.runs.map((r) => r.text).join(""));
      else if (row.kind === "qr") {
        qr.push(row.data);
        lines.push(`[QR: ${row.data}]`);
      } else if (row.kind === "raster") lines.push(`[image ${row.widthBytes * 8}x${row.height}]`);
    }
    return { rows, text: `${lines.join("\n")}\n`, qr, bytes: this.bytesInSlip, warnings: [...this.warnings] };
  }

  private cut(cutBytes: number): void {
    this.endLine(true);
    const slip = { ...this.snapshot(), bytes: this.bytesInSlip + cutBytes };
    this.rows = [];
    this.warnings = [];
    // push() adds the cut command's length after this returns.
    this.bytesInSlip = -cutBytes;
    this.events.onSlip?.(slip);
  }
}
