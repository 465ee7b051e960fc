/**
 * Slip → ESC/POS bytes with node-thermal-printer (Epson command set, PC852 code page so
 * ą ć ę ł ń ó ś ź ż print as themselves). Wrapping is ours (hanging indents for fields).
 */
import iconv from "iconv-lite";
import { CharacterSet, BreakLine as NtpBreakLine, PrinterTypes, ThermalPrinter } from "node-thermal-printer";
import { columnsFor, type PaperWidthMm, type SlipDocument, wrap } from "./slip.ts";

/** What node-thermal-printer calls an interface: something that takes the finished buffer. */
export interface NtpInterface {
  execute(buffer: Buffer): Promise<unknown>;
  isPrinterConnected(): Promise<boolean>;
  getPrinterName(): string;
}

export const ESC_INIT = Buffer.from([0x1b, 0x40]);

/** QR module size in dots: keeps a version 13-15 symbol about 35-45 mm wide on both papers. */
export function qrCellSize(widthMm: PaperWidthMm): number {
  return widthMm === 58 ? 4 : 5;
}

export function createNtp(widthMm: PaperWidthMm, iface?: NtpInterface): ThermalPrinter {
  return new ThermalPrinter({
    type: PrinterTypes.EPSON,
    // An object is accepted at run time (used as the interface as is); the typings say string.
    interface: iface as unknown as string,
    width: columnsFor(widthMm),
    characterSet: CharacterSet.PC852_LATIN2,
    breakLine: NtpBreakLine.NONE,
  });
}

const LF = Buffer.from([0x0a]);

/**
 * One printed line. node-thermal-printer encodes text one character at a time (a Buffer.concat
 * per character); a line PC852 can hold is encoded here in one go with the same table and
 * handed over as bytes — identical output, a fraction of the garbage. Anything else (the
 * Ukrainian line) goes through the library, which switches code pages for it; PC852 is selected
 * again after it, so every line printed here is in PC852.
 */
function printLine(printer: ThermalPrinter, text: string): void {
  const bytes = iconv.encode(text, "cp852");
  if (iconv.decode(bytes, "cp852") === text) {
    printer.add(Buffer.concat([bytes, LF]));
  } else {
    printer.println(text);
    // Back to PC852 for the lines that follow (the library may have switched away).
    printer.setCharacterSet(CharacterSet.PC852_LATIN2);
  }
}

/** Appends the slip to the printer's (cleared) buffer. */
export function appendSlip(printer: ThermalPrinter, doc: SlipDocument, widthMm: PaperWidthMm): void {
  const cols = columnsFor(widthMm);
  printer.clear();
  // ESC @ resets the code page on the device, so select PC852 again right after it.
  printer.setBuffer(ESC_INIT);
  printer.setCharacterSet(CharacterSet.PC852_LATIN2);
  for (const block of doc.blocks) {
    switch (block.kind) {
      case "text": {
        if (block.align === "center") printer.alignCenter();
        if (block.bold) printer.bold(true);
        if (block.inverted) printer.invert(true);
        if (block.large) printer.setTextSize(1, 1);
        for (const line of wrap(block.text, block.large ? cols / 2 : cols)) {
          // Inverted text keeps its padding spaces: they are the black frame around the word.
          printLine(printer, block.inverted ? block.text : line);
          if (block.inverted) break;
        }
        if (block.large) printer.setTextNormal();
        if (block.inverted) printer.invert(false);
        if (block.bold) printer.bold(false);
        if (block.align === "center") printer.alignLeft();
        break;
      }
      case "field":
        for (const line of wrap(`${block.label} ${block.value}`, cols, 2)) printLine(printer, line);
        break;
      case "rule":
        printer.drawLine();
        break;
      case "feed":
        for (let i = 0; i < block.lines; i++) printer.newLine();
        break;
      case "qr":
        printer.alignCenter();
        printer.printQR(block.data, { cellSize: qrCellSize(widthMm), correction: "M", model: 2 });
        printer.newLine();
        printer.alignLeft();
        break;
    }
  }
  printer.cut({ verticalTabAmount: 1 });
}

/** The complete byte stream of one slip (a fresh builder each call; nothing is sent). */
export function buildSlipBytes(doc: SlipDocument, widthMm: PaperWidthMm): Buffer {
  const printer = createNtp(widthMm);
  appendSlip(printer, doc, widthMm);
  const bytes = Buffer.from(printer.getBuffer());
  printer.clear();
  return bytes;
}
