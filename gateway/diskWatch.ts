/**
 * The data directory's disk, as health sees it. A Pi runs from an SD card that can fill up:
 * below `disk.minFreeMb` the `disk` part is degraded; once a write has failed for lack of space
 * (SQLITE_FULL, ENOSPC) it is down. Both clear by themselves when space is freed: no restart.
 */
import { statfsSync } from "node:fs";
import type { PartHealth } from "./health.ts";

/** SQLite's and the kernel's words for "no space left". */
export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : "";
  return (
    code === "SQLITE_FULL" || code === "ENOSPC" || /database or disk is full|no space left on device/i.test(message)
  );
}

export class DiskWatch {
  private lastWriteFailureAt: string | null = null;

  constructor(
    private readonly dir: string,
    private readonly minFreeBytes: number,
    private readonly now: () => Date,
  ) {}

  freeBytes(): number {
    const fs = statfsSync(this.dir);
    return Number(fs.bavail) * Number(fs.bsize);
  }

  /** Called where a write failed; true when the failure was a full disk. */
  noteFailure(err: unknown): boolean {
    if (!isDiskFull(err)) return false;
    this.lastWriteFailureAt = this.now().toISOString();
    return true;
  }

  check(): PartHealth {
    const free = this.freeBytes();
    const freeMb = Math.round((free / 1024 / 1024) * 10) / 10;
    if (free >= this.minFreeBytes) {
      this.lastWriteFailureAt = null; // space is back: writes will succeed again
      return { status: "ok", freeMb };
    }
    const action = "free space on the data disk: old backups, journalctl --vacuum-size=100M (see the doctor)";
    return this.lastWriteFailureAt
      ? { status: "down", freeMb, writeFailedAt: this.lastWriteFailureAt, action }
      : { status: "degraded", freeMb, action };
  }
}
