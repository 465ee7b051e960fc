/**
 * Contact rules: Polish and foreign mobile numbers to E.164, email syntax as browsers check it,
 * and "did you mean" suggestions for the domains Polish residents actually use.
 */
import { parsePhoneNumberFromString as parseAnyNumber } from "libphonenumber-js/min";
import { parsePhoneNumberFromString } from "libphonenumber-js/mobile";

export type MobileCheck =
  | { valid: true; e164: string }
  | { valid: false; reason: "empty" | "not_a_number" | "too_short" | "too_long" | "not_mobile" | "invalid" };

/** Normalises what people type (`600 100 200`, `0048 600…`, `+48600…`) to E.164; only mobiles pass. */
export function checkMobile(input: string): MobileCheck {
  const trimmed = input.trim();
  if (trimmed === "") return { valid: false, reason: "empty" };
  if (!/^[+\d\s().-]+$/.test(trimmed)) return { valid: false, reason: "not_a_number" };
  let compact = trimmed.replace(/[\s().-]/g, "");
  if (compact.startsWith("00")) compact = `+${compact.slice(2)}`;
  const digits = compact.replace(/\D/g, "");
  if (digits.length < 9) return { valid: false, reason: "too_short" };
  if (digits.length > 15) return { valid: false, reason: "too_long" };
  // The mobile metadata only knows mobile ranges: a number valid there is a mobile. A number it
  // rejects but the general metadata accepts is a landline, toll-free or similar.
  const phone = parsePhoneNumberFromString(compact, "PL");
  if (!phone?.isValid()) {
    return { valid: false, reason: parseAnyNumber(compact, "PL")?.isValid() ? "not_mobile" : "invalid" };
  }
  const type = phone.getType();
  if (type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE") return { valid: false, reason: "not_mobile" };
  return { valid: true, e164: phone.number };
}

/** `+48600100200` → `600 100 200` for Polish numbers, else the E.164 as is. */
export function groupPolishMobile(e164: string): string {
  const m = /^\+48(\d{3})(\d{3})(\d{3})$/.exec(e164);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : e164;
}

export type EmailCheck = {
  valid: boolean;
  normalized: string;
  suggestion?: string;
  reason?: "empty" | "syntax" | "too_long" | "domain";
};

/** The WHATWG "valid email address" production (what <input type=email> accepts). */
const BROWSER_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const POPULAR_DOMAINS = [
  "gmail.com",
  "wp.pl",
  "o2.pl",
  "onet.pl",
  "onet.eu",
  "interia.pl",
  "interia.eu",
  "op.pl",
  "poczta.onet.pl",
  "poczta.fm",
  "gazeta.pl",
  "tlen.pl",
  "vp.pl",
  "autograf.pl",
  "buziaczek.pl",
  "yahoo.com",
  "outlook.com",
  "hotmail.com",
  "icloud.com",
  "proton.me",
  "protonmail.com",
] as const;

const TOP_LEVEL = ["pl", "com", "eu", "net", "org", "me", "fm", "com.pl", "net.pl", "org.pl"];

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

function closest(candidate: string, list: readonly string[], maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const item of list) {
    const distance = editDistance(candidate, item);
    if (distance < bestDistance) {
      best = item;
      bestDistance = distance;
    }
  }
  return bestDistance === 0 ? undefined : best;
}

/** Suggests a corrected domain for a likely typo (gmial.com → gmail.com, wp.ppl → wp.pl). */
export function suggestDomain(domain: string): string | undefined {
  if ((POPULAR_DOMAINS as readonly string[]).includes(domain)) return undefined;
  const threshold = domain.length <= 6 ? 1 : 2;
  const direct = closest(domain, POPULAR_DOMAINS, threshold);
  if (direct) return direct;
  const dot = domain.indexOf(".");
  if (dot > 0) {
    const tld = domain.slice(dot + 1);
    const fixedTld = TOP_LEVEL.includes(tld) ? undefined : closest(tld, TOP_LEVEL, 1);
    if (fixedTld) return `${domain.slice(0, dot)}.${fixedTld}`;
  }
  return undefined;
}

export function checkEmail(input: string): EmailCheck {
  const normalized = input.trim().toLowerCase();
  if (normalized === "") return { valid: false, normalized, reason: "empty" };
  if (normalized.length > 254) return { valid: false, normalized, reason: "too_long" };
  if (!BROWSER_EMAIL.test(normalized)) {
    const at = normalized.lastIndexOf("@");
    const suggestion = at > 0 ? fixCommonSlips(normalized) : undefined;
    return { valid: false, normalized, reason: "syntax", ...(suggestion ? { suggestion } : {}) };
  }
  const [local, domain] = splitAddress(normalized);
  if (!domain.includes(".")) return { valid: false, normalized, reason: "domain" };
  const suggestedDomain = suggestDomain(domain);
  return {
    valid: true,
    normalized,
    ...(suggestedDomain ? { suggestion: `${local}@${suggestedDomain}` } : {}),
  };
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf("@");
  return [address.slice(0, at), address.slice(at + 1)];
}

/** Repairs slips the browser rule rejects but a person obviously meant: `jan@gmail,com`, `jan@@wp.pl`. */
function fixCommonSlips(address: string): string | undefined {
  const repaired = address
    .replace(/,/g, ".")
    .replace(/@+/g, "@")
    .replace(/\.{2,}/g, ".")
    .replace(/\s+/g, "");
  if (repaired === address || !BROWSER_EMAIL.test(repaired)) return undefined;
  const [local, domain] = splitAddress(repaired);
  return `${local}@${suggestDomain(domain) ?? domain}`;
}

/** `jan.kowalski@gmail.com` → `j***@gmail.com` (for slips, logs and the status screen). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

/** `+48600100200` → `+48 *** *** 200`; other countries keep the prefix and the last 3 digits. */
export function maskMobile(e164: string): string {
  const pl = /^\+48\d{6}(\d{3})$/.exec(e164);
  if (pl) return `+48 *** *** ${pl[1]}`;
  if (e164.length < 6) return "***";
  return `${e164.slice(0, 4)} *** ${e164.slice(-3)}`;
}
