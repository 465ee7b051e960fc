/** The owner verification code (e.g. last 6 digits of the flat's bank account), stored hashed. */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

const N = 4096;

export function hashSecret(code: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(code.trim(), salt, 32, { N, r: 8, p: 1 });
  return `scrypt$${N}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export function verifySecret(code: string, stored: string): boolean {
  const [scheme, n, saltB64, hashB64] = stored.split("$");
  if (scheme !== "scrypt" || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64");
  const actual = scryptSync(code.trim(), Buffer.from(saltB64, "base64"), expected.length, { N: Number(n), r: 8, p: 1 });
  return timingSafeEqual(actual, expected);
}
