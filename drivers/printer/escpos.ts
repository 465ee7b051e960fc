/**
 * Slip → ESC/POS bytes with node-thermal-printer (Epson command set). The printer's profile
 * decides the code page (PC852 or WPC1250 at the vendor's `ESC t n`, so ą ć ę ł ń ó ś ź ż print
 * as themselves, or transliterated ASCII) and the QR (`GS ( k`, or a `GS v 0` raster image).
 * Wrapping is ours (hanging indents for fields).
 */
import { CharacterSet, BreakLine as NtpBreakLine, PrinterTypes, ThermalPrinter } from "node-thermal-printer";
import { encodeExactly, PRINTER_PROFILES, type PrinterProfile, transliterate } from "./profiles.ts";
import { qrRaster } from "./qrRaster.ts";
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
const EPSON = PRINTER_PROFILES.epson;

const selectCodePage = (printer: ThermalPrinter, profile: PrinterProfile): void => {
  if (profile.codePage) printer.add(Buffer.from([0x1b, 0x74, profile.codePage.escT]));
};

/**
 * One printed line, in the profile's code page. node-thermal-printer encodes text one character
 * at a time (a Buffer.concat per character); a line the code page holds is encoded here in one
 * go. A line it cannot hold (the Ukrainian one): on Epson's tables the library switches code
 * pages for it (then ours is selected again); elsewhere it is transliterated.
 */
function printLine(printer: ThermalPrinter, text: string, profile: PrinterProfile): void {
  if (!profile.codePage) {
    printer.add(Buffer.concat([Buffer.from(transliterate(text), "latin1"), LF]));
    return;
  }
  const bytes = encodeExactly(text, profile.codePage);
  if (bytes) {
    printer.add(Buffer.concat([bytes, LF]));
  } else if (
    profile.name === EPSON.name &&
    profile.codePage.escT === EPSON.codePage.escT &&
    profile.codePage.encoding === EPSON.codePage.encoding
  ) {
    printer.println(text);
    printer.setCharacterSet(CharacterSet.PC852_LATIN2);
  } else {
    printer.add(Buffer.concat([encodeExactly(transliterate(text), profile.codePage) ?? Buffer.from("?"), LF]));
  }
}

/** Appends the slip to the printer's (cleared) buffer. */
export function appendSlip(
  printer: ThermalPrinter,
  doc: SlipDocument,
  widthMm: PaperWidthMm,
  profile: PrinterProfile = EPSON,
): void {
  const cols = columnsFor(widthMm);
  printer.clear();
  // ESC @ resets the code page on the device, so select ours again right after it.
  printer.setBuffer(ESC_INIT);
  selectCodePage(printer, profile);
  for (const block of doc.blocks) {
    switch (block.kind) {
      case "text": {
        if (block.align === "center") printer.alignCenter();
        if (block.bold) printer.bold(true);
        if (block.inverted) printer.invert(true);
        if (block.large) printer.setTextSize(1, 1);
        for (const line of wrap(block.text, block.large ? cols / 2 : cols)) {
          // Inverted text keeps its padding spaces: they are the black frame around the word.
          printLine(printer, block.inverted ? block.text : line, profile);
          if (block.inverted) break;
        }
        if (block.large) printer.setTextNormal();
        if (block.inverted) printer.invert(false);
        if (block.bold) printer.bold(false);
        if (block.align === "center") printer.alignLeft();
        break;
      }
      case "field":
        for (const line of wrap(`${block.label} ${block.value}`, cols, 2)) printLine(printer, line, profile);
        break;
      case "rule":
        printer.drawLine();
        break;
      case "feed":
        for (let i = 0; i < block.lines; i++) printer.newLine();
        break;
      case "qr":
        printer.alignCenter();
        if (profile.qr === "raster") printer.add(qrRaster(block.data, qrCellSize(widthMm)));
        else printer.printQR(block.data, { cellSize: qrCellSize(widthMm), correction: "M", model: 2 });
        printer.newLine();
        printer.alignLeft();
        break;
    }
  }
  printer.cut({ verticalTabAmount: 1 });
}

/** The complete byte stream of one slip (a fresh builder each call; nothing is sent). */
export function buildSlipBytes(doc: SlipDocument, widthMm: PaperWidthMm, profile: PrinterProfile = EPSON): Buffer {
  const printer = createNtp(widthMm);
  appendSlip(printer, doc, widthMm, profile);
  const bytes = Buffer.from(printer.getBuffer());
  printer.clear();
  return bytes;
}
