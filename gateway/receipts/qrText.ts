/**
 * The text inside the slip's QR code: `EK1.<KID>.<base45(canonical JSON ‖ signature)>.`
 * Everything needed to verify offline with the published public key, and only characters of
 * the QR alphanumeric set, so the symbol is small (version 14 at level M for a typical slip,
 * where base64 needed 17) and any phone scanner returns the text unchanged. The final dot marks
 * the end: a cut-off text is recognised as truncated.
 */
import { type KeyObject, sign, verify } from "node:crypto";
import { canonicalJson } from "../domain/registerEvents.ts";
import { base45Decode, base45Encode } from "./base45.ts";
import { type SignedReceipt, signedReceiptSchema } from "./receiptData.ts";

export const QR_PREFIX = "EK1";

export interface SignedSlip {
  data: SignedReceipt;
  canonical: string;
  signature: Buffer;
  kid: string;
  qr: string;
}

export function signReceipt(data: SignedReceipt, key: { kid: string; privateKey: KeyObject }): SignedSlip {
  const canonical = canonicalJson(data);
  const signature = sign(null, Buffer.from(canonical, "utf8"), key.privateKey);
  return { data, canonical, signature, kid: key.kid, qr: qrTextOf(key.kid, canonical, signature) };
}

const SIGNATURE_BYTES = 64;
const KID = /^[0-9A-F]{12}$/;

export function qrTextOf(kid: string, canonical: string, signature: Buffer): string {
  return `${QR_PREFIX}.${kid}.${base45Encode(Buffer.concat([Buffer.from(canonical, "utf8"), signature]))}.`;
}

export type ParsedQr = { kid: string; signed: Buffer; signature: Buffer };

/** Splits a QR text into its parts, or says why it cannot. */
export function parseQrText(qr: string): ParsedQr | { reason: VerifyReason } {
  const text = qr.trim();
  if (!text.startsWith(`${QR_PREFIX}.`)) return { reason: /^EK\d+\./.test(text) ? "unsupported_format" : "malformed" };
  if (!text.endsWith(".") || text.length < QR_PREFIX.length + 15) return { reason: "truncated" };
  const kid = text.slice(QR_PREFIX.length + 1, QR_PREFIX.length + 13);
  if (!KID.test(kid) || text[QR_PREFIX.length + 13] !== ".") return { reason: "malformed" };
  const blob = base45Decode(text.slice(QR_PREFIX.length + 14, -1));
  if (!blob) return { reason: "malformed" };
  if (blob.length <= SIGNATURE_BYTES) return { reason: "truncated" };
  return {
    kid,
    signed: blob.subarray(0, blob.length - SIGNATURE_BYTES),
    signature: blob.subarray(blob.length - SIGNATURE_BYTES),
  };
}

export type VerifyReason =
  | "malformed"
  | "unsupported_format"
  | "truncated"
  | "unknown_key"
  | "bad_signature"
  | "not_canonical"
  | "invalid_content";

export type VerifyResult =
  | { valid: true; data: SignedReceipt; kid: string; canonical: string }
  | { valid: false; reason: VerifyReason; kid?: string };

/** Checks a QR text against the public keys by kid. Never throws for bad input. */
export function verifyQrText(qr: string, keyFor: (kid: string) => KeyObject | undefined): VerifyResult {
  const parsed = parseQrText(qr);
  if ("reason" in parsed) return { valid: false, reason: parsed.reason };
  const { kid, signed, signature } = parsed;
  const key = keyFor(kid);
  if (!key) return { valid: false, reason: "unknown_key", kid };
  if (!verify(null, signed, key, signature)) return { valid: false, reason: "bad_signature", kid };
  const canonical = signed.toString("utf8");
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(canonical);
  } catch {
    return { valid: false, reason: "invalid_content", kid };
  }
  if (canonicalJson(parsedJson) !== canonical) return { valid: false, reason: "not_canonical", kid };
  const checked = signedReceiptSchema.safeParse(parsedJson);
  if (!checked.success) return { valid: false, reason: "invalid_content", kid };
  return { valid: true, data: checked.data, kid, canonical };
}
