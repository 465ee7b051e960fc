/**
 * Writes that need not wait for the disk: abuse counters (failed identifications, failed staff
 * logins). The database runs with `synchronous = FULL`, so every commit waits for an fsync of the
 * WAL, on the event loop: 4 ms median and 16 ms p95 on the development machine's disk. One such
 * row per wrong guess let a flood of guesses stall the kiosk for that long per guess. Written
 * with `synchronous = NORMAL`, the row is safe if the gateway crashes and becomes durable at the
 * next FULL commit or checkpoint; only a power cut in between can lose it, which at worst forgets
 * a few failed guesses. Never use this for the register, enrolments or anything a resident did.
 */
import type { Db } from "./client.ts";

export function writeCounter<T>(db: Db, write: () => T): T {
  // Straight to SQLite: these run once per wrong guess, so they build no SQL through drizzle.
  db.$client.run("PRAGMA synchronous = NORMAL");
  try {
    return write();
  } finally {
    db.$client.run("PRAGMA synchronous = FULL");
  }
}
