/**
 * Receipt numbers never repeat for a kiosk: the highest number issued is kept next to the kiosk
 * key (`keys/receipt-numbers.json`), outside the database, and raised (fsync'd) before a number is
 * used. A database restored from an older backup, or recreated, continues above it. A number
 * whose transaction rolled back is taken again by the next slip of the same process; after a
 * restart such a number is skipped (the database it might be in could have been lost).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

export const NUMBERS_FILE = "receipt-numbers.json";

export class ReceiptNumbers {
  private readonly dir: string;
  private readonly file: string;
  private issued: Record<string, number>;
  private reserved: { kioskId: string; seq: number } | null = null;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "keys");
    this.file = join(this.dir, NUMBERS_FILE);
    this.issued = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, "utf8")) as Record<string, number>) : {};
  }

  /** The highest sequence ever issued under this kiosk id (0: none). */
  highest(kioskId: string): number {
    return this.issued[kioskId] ?? 0;
  }

  /** The next sequence: above both the database's last one and every one ever issued; durable before it returns. */
  next(kioskId: string, lastInDatabase: number): number {
    // Transactions are synchronous: when this process's last reservation is not in the database
    // by now, its transaction rolled back and no slip carries it, so it is taken again (no gap).
    const mine = this.reserved;
    if (mine?.kioskId === kioskId && mine.seq === this.highest(kioskId) && lastInDatabase === mine.seq - 1) {
      return mine.seq;
    }
    const seq = Math.max(lastInDatabase, this.highest(kioskId)) + 1;
    this.reserved = { kioskId, seq };
    this.issued = { ...this.issued, [kioskId]: seq };
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const partial = `${this.file}.partial`;
    const fd = openSync(partial, "w", 0o600);
    try {
      writeSync(fd, `${JSON.stringify(this.issued)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, this.file);
    const dirFd = openSync(this.dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    return seq;
  }
}
