/**
 * What differs between ESC/POS printers that matters for our slip: which `ESC t n` selects a code
 * page with Polish letters (vendors number their tables differently: PC852 is 18 on Epson and
 * many clones, WPC1250 is 45 on Epson), and whether the printer knows the QR command `GS ( k`
 * (many cheap ones ignore it: the QR is then sent as a raster image, `GS v 0`).
 * No code page: Polish letters are transliterated (ą → a), which still reads.
 */
import iconv from "iconv-lite";

export interface CodePage {
  /** iconv-lite encoding of the table. */
  encoding: "cp852" | "win1250" | "iso-8859-2";
  /** n of `ESC t n` that selects it on this printer (see its self-test page). */
  escT: number;
}

export interface PrinterProfile {
  name: string;
  /** null: plain ASCII, transliterated. */
  codePage: CodePage | null;
  qr: "native" | "raster";
}

export const PRINTER_PROFILES = {
  /** Epson TM-T20/T88/m30 and printers that follow Epson's tables and QR command. */
  epson: { name: "epson", codePage: { encoding: "cp852", escT: 18 }, qr: "native" },
  /** Cheap 58/80 mm "POS58/POS80" printers (Xprinter, HOIN, Munbyn …): PC852 at 18, QR as an image. */
  generic: { name: "generic", codePage: { encoding: "cp852", escT: 18 }, qr: "raster" },
  /** Unknown printers: ASCII text (transliterated) and the QR as an image; always prints something readable. */
  ascii: { name: "ascii", codePage: null, qr: "raster" },
} as const satisfies Record<string, PrinterProfile>;

export type ProfileName = keyof typeof PRINTER_PROFILES;
export const PROFILE_NAMES = Object.keys(PRINTER_PROFILES) as ProfileName[];

/** A named profile with the configuration's overrides (printer.codePage, printer.qr). */
export function resolveProfile(
  name: ProfileName,
  overrides: { codePage?: CodePage | "none"; qr?: "native" | "raster" } = {},
): PrinterProfile {
  const base: PrinterProfile = PRINTER_PROFILES[name];
  return {
    name: base.name,
    codePage: overrides.codePage === "none" ? null : (overrides.codePage ?? base.codePage),
    qr: overrides.qr ?? base.qr,
  };
}

/** The `ESC t n` → encoding table a printer with this profile has (the virtual printer uses it). */
export function codePageTable(profile: PrinterProfile): Record<number, string> {
  return profile.codePage ? { [profile.codePage.escT]: profile.codePage.encoding } : {};
}

const UKRAINIAN: Record<string, string> = Object.fromEntries(
  (
    "а:a б:b в:v г:h ґ:g д:d е:e є:ie ж:zh з:z и:y і:i ї:i й:i к:k л:l м:m н:n о:o п:p р:r с:s т:t " +
    "у:u ф:f х:kh ц:ts ч:ch ш:sh щ:shch ь: ю:iu я:ia ’:'"
  )
    .split(" ")
    .map((pair) => [pair.slice(0, 1), pair.slice(2)]),
);

/** Latin letters without diacritics (ł → l, ż → z), Ukrainian in its national romanisation. */
export function transliterate(text: string): string {
  let out = "";
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const ua = UKRAINIAN[lower];
    if (ua !== undefined) {
      out += ch === lower ? ua : ua.charAt(0).toUpperCase() + ua.slice(1);
    } else if (ch === "ł") out += "l";
    else if (ch === "Ł") out += "L";
    else out += ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  return out.replace(/[^\x20-\x7e]/g, "?");
}

/** The bytes of one line in the profile's code page; null when it cannot hold every character. */
export function encodeExactly(text: string, codePage: CodePage): Buffer | null {
  const bytes = iconv.encode(text, codePage.encoding);
  return iconv.decode(bytes, codePage.encoding) === text ? bytes : null;
}
