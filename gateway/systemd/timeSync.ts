/**
 * Whether the system clock is synchronised. A Pi has no battery clock: after a power cut it
 * starts with the time it last saved, so receipts would carry a wrong date and the office would
 * refuse time-stamped requests. Under systemd the unit waits for time-sync.target (at most
 * 2 minutes); this answers the same question at run time for the `clock` health part, and for
 * receipts and office sync to wait on. Outside systemd (development, tests) the clock is trusted.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";

export interface TimeSyncOptions {
  /** `/run` normally; tests point it elsewhere. */
  runDir?: string;
  /** Asks the kernel's view through timedatectl (also right for chrony and ntpd). */
  timedatectl?: () => Promise<string | null>;
}

export type TimeSyncState =
  | { synchronized: true; source: "not-systemd" | "timesyncd" | "timedatectl" }
  | {
      synchronized: false;
      source: "timedatectl" | "unknown";
    };

const askTimedatectl = async (): Promise<string | null> => {
  const run = await execa("timedatectl", ["show", "-p", "NTPSynchronized", "--value"], {
    reject: false,
    timeout: 4_000,
  });
  return run.exitCode === 0 ? run.stdout.trim() : null;
};

export class TimeSync {
  private synced = false;
  private readonly runDir: string;
  private readonly timedatectl: () => Promise<string | null>;

  constructor(options: TimeSyncOptions = {}) {
    this.runDir = options.runDir ?? "/run";
    this.timedatectl = options.timedatectl ?? askTimedatectl;
  }

  /** Once synchronised the answer is cached: the clock does not lose its sync in a way we could see. */
  async check(): Promise<TimeSyncState> {
    if (!existsSync(join(this.runDir, "systemd", "system"))) return { synchronized: true, source: "not-systemd" };
    if (this.synced || existsSync(join(this.runDir, "systemd", "timesync", "synchronized"))) {
      this.synced = true;
      return { synchronized: true, source: "timesyncd" };
    }
    const answer = await this.timedatectl().catch(() => null);
    if (answer === "yes") {
      this.synced = true;
      return { synchronized: true, source: "timedatectl" };
    }
    return { synchronized: false, source: answer === "no" ? "timedatectl" : "unknown" };
  }

  /** Last known answer without I/O (false until a check has seen the clock synchronised). */
  get synchronized(): boolean {
    return this.synced || !existsSync(join(this.runDir, "systemd", "system"));
  }
}
