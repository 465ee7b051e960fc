/** A fixed key and a sample slip for golden tests, the bench and examples (never used at run time). */
import { createPrivateKey } from "node:crypto";
import type { ReceiptInput } from "../context.ts";
import { type KioskKey, publicJwkOf } from "./kioskKey.ts";

/** Ed25519 key from a fixed 32-byte seed (PKCS#8 DER prefix + seed): deterministic signatures. */
export function fixedTestKey(seedByte = 7): KioskKey {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.alloc(32, seedByte)]);
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const publicJwk = publicJwkOf(privateKey);
  return { kid: publicJwk.kid, privateKey, publicJwk };
}

export const SAMPLE_INPUT: ReceiptInput = {
  action: "enrolment",
  eventSeq: 42,
  eventHash: "9f2c4e1ab37d5c60e8a1f0b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6",
  flatCode: "KEL10-A-12",
  flatLabel: "ul. Kelecka 10 kl. A m. 12",
  ownerName: "Małgorzata Żółkiewska-Ślęzak",
  email: "malgorzata.zolkiewska@gmail.com",
  mobile: "+48600100200",
  channels: ["email", "sms"],
  electronicFrom: "2026-03-16T10:00:00.000Z",
  consentVersion: "2021-08-v1",
  language: "pl",
  occurredAt: "2026-03-02T10:00:00.000Z",
};

/** Bytes as readable text: printable ASCII as is, the rest as \xNN, a line break after each LF. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
    if (b === 0x0a) out += "\n";
  }
  return out;
}
