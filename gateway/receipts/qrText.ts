/**
 * The text inside the slip's QR code: `EK1.<kid>.<base64url canonical JSON>.<base64url signature>`.
 * Everything needed to verify offline with the published public key; ASCII only, so any
 * phone scanner and any QR library returns it unchanged.
 */
import { type KeyObject, sign, verify } from "node:crypto";
import { canonicalJson } from "../domain/registerEvents.ts";
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

export function qrTextOf(kid: string, canonical: string, signature: Buffer): string {
  return [QR_PREFIX, kid, Buffer.from(canonical, "utf8").toString("base64url"), signature.toString("base64url")].join(
    ".",
  );
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

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Checks a QR text against the public keys by kid. Never throws for bad input. */
export function verifyQrText(qr: string, keyFor: (kid: string) => KeyObject | undefined): VerifyResult {
  const parts = qr.trim().split(".");
  if (parts[0] !== QR_PREFIX) return { valid: false, reason: parts.length === 4 ? "unsupported_format" : "malformed" };
  if (parts.length < 4) return { valid: false, reason: "truncated" };
  if (parts.length > 4) return { valid: false, reason: "malformed" };
  const [, kid, payload, sig] = parts;
  if (!B64URL.test(payload) || !B64URL.test(sig) || !B64URL.test(kid)) return { valid: false, reason: "malformed" };
  const signature = Buffer.from(sig, "base64url");
  // A cut-off scan loses the tail first: the signature is shorter than Ed25519's 64 bytes.
  if (signature.length !== 64) return { valid: false, reason: "truncated", kid };
  const key = keyFor(kid);
  if (!key) return { valid: false, reason: "unknown_key", kid };
  const bytes = Buffer.from(payload, "base64url");
  if (!verify(null, bytes, key, signature)) return { valid: false, reason: "bad_signature", kid };
  const canonical = bytes.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(canonical);
  } catch {
    return { valid: false, reason: "invalid_content", kid };
  }
  if (canonicalJson(parsed) !== canonical) return { valid: false, reason: "not_canonical", kid };
  const checked = signedReceiptSchema.safeParse(parsed);
  if (!checked.success) return { valid: false, reason: "invalid_content", kid };
  return { valid: true, data: checked.data, kid, canonical };
}
