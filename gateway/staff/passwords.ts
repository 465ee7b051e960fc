/**
 * Staff passwords: scrypt (N = 2^14, r = 8, p = 1) with a random salt, compared in constant time.
 * Hashing a new password (console command, demo user) is synchronous; checking one at login runs
 * off the event loop through the gateway's HashPool.
 */
import { randomBytes, scryptSync } from "node:crypto";
import type { HashPool } from "../hashing.ts";

const N = 16384;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize("NFC"), salt, 32, { N, r: 8, p: 1 });
  return `scrypt$${N}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** `countAgainst`: what the check counts against while in flight (the user and client). */
export function verifyPassword(
  pool: HashPool,
  password: string,
  stored: string,
  countAgainst: string[],
): Promise<boolean> {
  return pool.verify(password.normalize("NFC"), stored, { lane: "office", keys: countAgainst });
}

/** A hash to check against when the user does not exist, so timing does not reveal usernames. */
export const DUMMY_HASH = hashPassword(randomBytes(12).toString("hex"));
