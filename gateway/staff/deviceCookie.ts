/**
 * Device cookies (OWASP "Slow down online guessing attacks with device cookies"): a browser that
 * signed in as a user keeps a signed cookie for that user. When guesses for one user come from
 * many devices, devices without such a cookie wait, while the user's own browsers still get in
 * with the right password, so a stranger cannot lock the real user out.
 *
 * The cookie is `<nonce>.<HMAC-SHA256(key, user name, nonce, password hash)>`: it names no user
 * (the cookie's name is a digest of the user name), cannot be forged without the gateway's key,
 * and stops counting when the user's password is reset. The key lives in
 * `<dataDir>/keys/staff-device.key` (0600), created on first start.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { privateDir, writePrivateFile } from "../../db/privateFiles.ts";

export const DEVICE_KEY_FILE = "staff-device.key";

/** The device cookie's name for one user: `ekor_device_<16 hex digits of its SHA-256>`. */
export function deviceCookieName(username: string): string {
  return `ekor_device_${createHash("sha256").update(username).digest("hex").slice(0, 16)}`;
}

const mac = (key: Uint8Array, username: string, nonce: string, passwordHash: string) =>
  createHmac("sha256", key).update(`${username}\n${nonce}\n${passwordHash}`).digest();

/** A fresh cookie value for a user who has just signed in on this device. */
export function issueDeviceCookie(key: Uint8Array, username: string, passwordHash: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${mac(key, username, nonce, passwordHash).toString("base64url")}`;
}

/** True when `value` was issued by this gateway to this user, under the current password. */
export function isDeviceOf(
  key: Uint8Array,
  value: string | undefined,
  user: { username: string; passwordHash: string } | null,
): boolean {
  if (!value || !user) return false;
  const [nonce, signature, extra] = value.split(".");
  if (!nonce || !signature || extra !== undefined) return false;
  const given = Buffer.from(signature, "base64url");
  const expected = mac(key, user.username, nonce, user.passwordHash);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Loads the signing key from `<dataDir>/keys/`, creating it on first start. */
export function loadOrCreateDeviceKey(dataDir: string): Uint8Array {
  const dir = privateDir(join(dataDir, "keys"));
  const file = join(dir, DEVICE_KEY_FILE);
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, "utf8").trim(), "hex");
    if (key.length >= 32) return key;
  }
  const key = randomBytes(32);
  writePrivateFile(file, `${key.toString("hex")}\n`);
  return key;
}
