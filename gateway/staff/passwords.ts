/** Staff passwords: scrypt (N = 2^14, r = 8, p = 1) with a random salt, compared in constant time. */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

const N = 16384;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize("NFC"), salt, 32, { N, r: 8, p: 1 });
  return `scrypt$${N}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, saltB64, hashB64] = stored.split("$");
  if (scheme !== "scrypt" || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64");
  const actual = scryptSync(password.normalize("NFC"), Buffer.from(saltB64, "base64"), expected.length, {
    N: Number(n),
    r: 8,
    p: 1,
  });
  return timingSafeEqual(actual, expected);
}

/** A hash to check against when the user does not exist, so timing does not reveal usernames. */
export const DUMMY_HASH = hashPassword(randomBytes(12).toString("hex"));
