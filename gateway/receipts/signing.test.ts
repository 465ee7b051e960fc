import { execFileSync } from "node:child_process";
import { sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "../../db/client.ts";
import { ManualClock } from "../clock.ts";
import { validateConfig } from "../config.ts";
import { canonicalJson } from "../domain/registerEvents.ts";
import { createLogger } from "../logger.ts";
import { fixedTestKey, SAMPLE_INPUT } from "./fixtures.ts";
import { KEY_FILE, kioskKeySet, loadOrCreateKioskKey, publicKeyFromJwk } from "./kioskKey.ts";
import { parseQrText, QR_PREFIX, qrTextOf, signReceipt } from "./qrText.ts";
import { buildSignedReceipt } from "./receiptData.ts";
import { keyLookup, verifyReceiptQr } from "./verifyReceipt.ts";

const tmp = mkdtempSync(join(tmpdir(), "ekor-sign-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const key = fixedTestKey();
const otherKey = fixedTestKey(9);
const keys = keyLookup({ keys: [key.publicJwk] });
const data = buildSignedReceipt(SAMPLE_INPUT, "K1-000042", "Europe/Warsaw");
const slip = signReceipt(data, key);

/** The QR text with the signed bytes replaced and the original signature kept. */
function withSignedBytes(qr: string, signed: string): string {
  const parsed = parseQrText(qr);
  if ("reason" in parsed) throw new Error(parsed.reason);
  return qrTextOf(parsed.kid, signed, parsed.signature);
}

describe("receipt data", () => {
  it("masks contacts and shortens the event hash", () => {
    expect(data).toMatchObject({ e: "m***@gmail.com", m: "+48 *** *** 200", h: "9f2c4e1ab37d5c60", d: "2026-03-16" });
    expect(slip.canonical).not.toContain("malgorzata.zolkiewska");
    expect(slip.canonical).not.toContain("600100200");
  });

  it("is signed over its RFC 8785 canonical JSON", () => {
    expect(slip.canonical).toBe(canonicalJson(JSON.parse(slip.canonical)));
    expect(slip.qr.startsWith(`${QR_PREFIX}.${key.kid}.`)).toBe(true);
  });
});

describe("verifying a slip's QR", () => {
  it("accepts the untouched QR and returns the readable receipt", () => {
    const verdict = verifyReceiptQr(slip.qr, keys);
    expect(verdict).toMatchObject({
      valid: true,
      kid: key.kid,
      receipt: {
        number: "K1-000042",
        ownerName: "Małgorzata Żółkiewska-Ślęzak",
        channels: ["email", "sms"],
        eventSeq: 42,
      },
    });
  });

  for (const field of Object.keys(data) as Array<keyof typeof data>) {
    it(`rejects a slip whose "${field}" was changed`, () => {
      const tampered = { ...data, [field]: typeof data[field] === "number" ? 43 : field === "c" ? ["email"] : "X" };
      const forged = withSignedBytes(slip.qr, canonicalJson(tampered));
      expect(verifyReceiptQr(forged, keys)).toEqual({ valid: false, reason: "bad_signature", kid: key.kid });
    });
  }

  it("rejects a slip signed by another key under this kiosk's key id", () => {
    const forged = signReceipt(data, { kid: key.kid, privateKey: otherKey.privateKey });
    expect(verifyReceiptQr(forged.qr, keys)).toMatchObject({ valid: false, reason: "bad_signature" });
  });

  it("rejects a slip from a key it does not know", () => {
    expect(verifyReceiptQr(signReceipt(data, otherKey).qr, keys)).toMatchObject({
      valid: false,
      reason: "unknown_key",
    });
  });

  it("says truncated for a QR cut anywhere", () => {
    for (let keep = 0; keep < slip.qr.length; keep++) {
      const verdict = verifyReceiptQr(slip.qr.slice(0, keep), keys);
      const expected = keep < 4 ? "malformed" : "truncated";
      // A cut that happens to end on a dot looks complete; its signature then does not match.
      const reason = (verdict as { reason: string }).reason;
      if (slip.qr[keep - 1] === "." && keep > 17)
        expect(["bad_signature", "malformed", "truncated"], `cut at ${keep}`).toContain(reason);
      else expect(reason, `cut at ${keep}`).toBe(expected);
    }
  });

  it("uses only the QR alphanumeric character set", () => {
    expect(slip.qr).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    expect(slip.qr.endsWith(".")).toBe(true);
  });

  it("says malformed for text that is not a slip QR", () => {
    expect(verifyReceiptQr("https://example.org", keys)).toMatchObject({ valid: false, reason: "malformed" });
    expect(verifyReceiptQr(`${slip.qr}extra.`, keys)).toMatchObject({ valid: false, reason: "malformed" });
    expect(verifyReceiptQr(`EK1.${key.kid}.abc.`, keys)).toMatchObject({ reason: "malformed" });
    expect(verifyReceiptQr(`EK9.${key.kid}.ABC.`, keys)).toMatchObject({ reason: "unsupported_format" });
  });

  it("rejects signed bytes that are valid JSON but not canonical", () => {
    const loose = JSON.stringify(JSON.parse(slip.canonical), null, 1);
    const signed = signReceipt(data, key);
    const qr = qrTextOf(key.kid, loose, sign(null, Buffer.from(loose), key.privateKey));
    expect(signed.qr).not.toBe(qr);
    expect(verifyReceiptQr(qr, keys)).toMatchObject({ valid: false, reason: "not_canonical" });
  });
});

describe("interoperability with openssl", () => {
  it("verifies the signature with `openssl pkeyutl -verify -rawin` over the canonical bytes", () => {
    const pem = publicKeyFromJwk(key.publicJwk).export({ format: "pem", type: "spki" });
    writeFileSync(join(tmp, "pub.pem"), pem);
    writeFileSync(join(tmp, "data.json"), slip.canonical);
    writeFileSync(join(tmp, "sig.bin"), slip.signature);
    const args = ["pkeyutl", "-verify", "-pubin", "-inkey", join(tmp, "pub.pem"), "-rawin"];
    const out = execFileSync("openssl", [...args, "-in", join(tmp, "data.json"), "-sigfile", join(tmp, "sig.bin")]);
    expect(out.toString()).toContain("Signature Verified Successfully");
    writeFileSync(join(tmp, "data2.json"), slip.canonical.replace("K1-000042", "K1-000043"));
    expect(() =>
      execFileSync("openssl", [...args, "-in", join(tmp, "data2.json"), "-sigfile", join(tmp, "sig.bin")], {
        stdio: "pipe",
      }),
    ).toThrow();
  });

  it("accepts a signature openssl made with the kiosk's private key file", () => {
    const dataDir = join(tmp, "kiosk-openssl");
    const database = openDb(":memory:");
    const deps = {
      db: database.db,
      clock: new ManualClock(),
      config: validateConfig({ dataDir }),
      logger: createLogger("silent"),
    };
    const kioskKey = loadOrCreateKioskKey(deps);
    writeFileSync(join(tmp, "k.json"), slip.canonical);
    execFileSync("openssl", [
      "pkeyutl",
      "-sign",
      "-inkey",
      join(dataDir, "keys", KEY_FILE),
      "-rawin",
      "-in",
      join(tmp, "k.json"),
      "-out",
      join(tmp, "k.sig"),
    ]);
    const qr = qrTextOf(kioskKey.kid, slip.canonical, readFileSync(join(tmp, "k.sig")));
    expect(verifyReceiptQr(qr, keyLookup(kioskKeySet(database.db)))).toMatchObject({ valid: true });
    database.close();
  });
});

describe("the kiosk key", () => {
  it("is created once with 0600 permissions and published with its key id", () => {
    const dataDir = join(tmp, "kiosk-a");
    const database = openDb(":memory:");
    const deps = {
      db: database.db,
      clock: new ManualClock(),
      config: validateConfig({ dataDir }),
      logger: createLogger("silent"),
    };
    const first = loadOrCreateKioskKey(deps);
    const file = join(dataDir, "keys", KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadOrCreateKioskKey(deps);
    expect(second.kid).toBe(first.kid);
    const set = kioskKeySet(database.db);
    expect(set.keys).toEqual([
      {
        kty: "OKP",
        crv: "Ed25519",
        x: first.publicJwk.x,
        kid: first.kid,
        use: "sig",
        alg: "EdDSA",
        created_at: expect.any(String),
      },
    ]);
    expect(JSON.stringify(set)).not.toContain('"d"');
    database.close();
  });
});
