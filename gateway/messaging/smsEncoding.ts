/**
 * The SMS encoding policy: GSM-7 when the text fits the default alphabet; Polish diacritics kept
 * (UCS-2) for codes and short notices; long texts may be transliterated (ą→a) to need fewer
 * segments (`sms.transliterateLong`); never more than `sms.maxParts` segments.
 */
import { measureSms, type SmsEncoding, transliteratePolish } from "../domain/smsText.ts";

export interface SmsPolicy {
  maxParts: number;
  transliterateLong: boolean;
}

export type PreparedSms =
  | { ok: true; text: string; encoding: SmsEncoding; segments: number; transliterated: boolean }
  | { ok: false; reason: "empty" | "too_long"; segments: number };

/** A UCS-2 text in one segment (≤ 70 characters) is "short": its diacritics cost nothing extra. */
function isShort(segments: number): boolean {
  return segments <= 1;
}

export function prepareSms(text: string, kind: string, policy: SmsPolicy): PreparedSms {
  const original = measureSms(text);
  if (original.characters === 0) return { ok: false, reason: "empty", segments: 0 };
  if (original.encoding === "GSM-7" || kind === "otp" || isShort(original.segments)) {
    if (original.segments <= policy.maxParts) {
      return { ok: true, text, encoding: original.encoding, segments: original.segments, transliterated: false };
    }
  }
  const plain = transliteratePolish(text);
  const folded = measureSms(plain);
  const fewer = folded.encoding === "GSM-7" && folded.segments < original.segments;
  // Transliterate a long text when the policy allows it, or when that is the only way to fit.
  if (
    fewer &&
    (policy.transliterateLong || original.segments > policy.maxParts) &&
    folded.segments <= policy.maxParts
  ) {
    return { ok: true, text: plain, encoding: folded.encoding, segments: folded.segments, transliterated: true };
  }
  if (original.segments <= policy.maxParts) {
    return { ok: true, text, encoding: original.encoding, segments: original.segments, transliterated: false };
  }
  return { ok: false, reason: "too_long", segments: Math.min(original.segments, folded.segments) };
}
