/**
 * SMS text measure: GSM 03.38 default alphabet (basic + extension table, extension characters
 * count two septets) vs UCS-2, and the number of segments (160/153 for GSM-7, 70/67 for UCS-2).
 */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "^{}\\[~]|€\f";

const basic = new Set(Array.from(GSM_BASIC));
const extension = new Set(Array.from(GSM_EXTENSION));

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SmsMeasure {
  encoding: SmsEncoding;
  /** Characters as the person sees them (code points). */
  characters: number;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

export function measureSms(text: string): SmsMeasure {
  const characters = Array.from(text).length;
  if (isGsm7(text)) {
    let units = 0;
    for (const ch of text) units += extension.has(ch) ? 2 : 1;
    return { encoding: "GSM-7", characters, units, segments: gsmSegments(text, units) };
  }
  const units = text.length; // UTF-16 code units; astral characters take two
  const segments = units === 0 ? 0 : units <= 70 ? 1 : Math.ceil(units / 67);
  return { encoding: "UCS-2", characters, units, segments };
}

/** Multipart GSM-7 never splits an escape sequence across segments, so count septets per part. */
function gsmSegments(text: string, units: number): number {
  if (units === 0) return 0;
  if (units <= 160) return 1;
  let segments = 1;
  let used = 0;
  for (const ch of text) {
    const size = extension.has(ch) ? 2 : 1;
    if (used + size > 153) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return segments;
}

const POLISH: Record<string, string> = {
  ą: "a",
  ć: "c",
  ę: "e",
  ł: "l",
  ń: "n",
  ó: "o",
  ś: "s",
  ź: "z",
  ż: "z",
  Ą: "A",
  Ć: "C",
  Ę: "E",
  Ł: "L",
  Ń: "N",
  Ó: "O",
  Ś: "S",
  Ź: "Z",
  Ż: "Z",
};

const TYPOGRAPHY: Record<string, string> = {
  "„": '"',
  "”": '"',
  "“": '"',
  "‘": "'",
  "’": "'",
  "–": "-",
  "—": "-",
  "…": "...",
  "\u00a0": " ",
};

/** Polish diacritics and typographic quotes/dashes to their GSM-7 look-alikes (ą→a, „→"). */
export function transliteratePolish(text: string): string {
  let out = "";
  for (const ch of text) out += POLISH[ch] ?? TYPOGRAPHY[ch] ?? ch;
  return out;
}

/** Words that end SMS correspondence when a resident texts them back. */
const STOP_WORDS = new Set(["STOP", "NIE", "REZYGNUJE"]);

/** Upper case, Polish diacritics folded (ę→E, ł→L), punctuation and spaces around dropped. */
export function isStopWord(text: string): boolean {
  const folded = text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[łŁ]/g, "L")
    .toUpperCase()
    .replace(/[^A-Z]+/g, " ")
    .trim();
  return STOP_WORDS.has(folded);
}
