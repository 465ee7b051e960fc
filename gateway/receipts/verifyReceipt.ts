/**
 * Verifies a slip's QR text against the kiosk keys (the published JWK set or the local table),
 * and, when the database is at hand, says whether this kiosk issued exactly that slip.
 */
import type { KeyObject } from "node:crypto";
import { eq } from "drizzle-orm";
import { receipts } from "../../db/schema/index.ts";
import type { DbOrTx } from "../deps.ts";
import { kioskKeySet, publicKeyFromJwk } from "./kioskKey.ts";
import { type VerifyReason, verifyQrText } from "./qrText.ts";
import { type ReceiptView, viewOf } from "./receiptData.ts";

export type ReceiptVerdict =
  | { valid: true; receipt: ReceiptView; kid: string; issuedHere?: boolean }
  | { valid: false; reason: VerifyReason; kid?: string };

export function keyLookup(jwks: {
  keys: Array<{ kid?: string; x?: string; crv?: string }>;
}): (kid: string) => KeyObject | undefined {
  const map = new Map<string, KeyObject>();
  for (const jwk of jwks.keys) {
    if (jwk.kid && jwk.x && jwk.crv === "Ed25519") map.set(jwk.kid, publicKeyFromJwk({ x: jwk.x }));
  }
  return (kid) => map.get(kid);
}

export function verifyReceiptQr(qr: string, keyFor: (kid: string) => KeyObject | undefined): ReceiptVerdict {
  const result = verifyQrText(qr, keyFor);
  if (!result.valid) return result;
  return { valid: true, receipt: viewOf(result.data), kid: result.kid };
}

/** Verification inside the gateway: keys from `kiosk_keys`, plus a look-up of the stored slip. */
export function verifyWithDb(db: DbOrTx, qr: string): ReceiptVerdict {
  const verdict = verifyReceiptQr(qr, keyLookup(kioskKeySet(db)));
  if (!verdict.valid) return verdict;
  const row = db
    .select({ data: receipts.data })
    .from(receipts)
    .where(eq(receipts.number, verdict.receipt.number))
    .get();
  return { ...verdict, issuedHere: row !== undefined };
}
