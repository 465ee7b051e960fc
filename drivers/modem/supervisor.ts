/**
 * Keeps gammu-smsd running: removes a stale pid file, starts it through execa, restarts it with
 * exponential backoff when it dies, and STOPS for good when the SIM refuses the PIN (a retried
 * wrong PIN locks the SIM; the technician must fix `sms.pin`). The refusal is remembered on disk
 * (hash of the PIN) so a gateway restart does not try the same wrong PIN again.
 */

import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execa, type ResultPromise } from "execa";
import { backoffMs } from "../backoff.ts";

export type DaemonState = "stopped" | "starting" | "running" | "backoff" | "pin_refused";

export interface SupervisorOptions {
  bin: string;
  smsdrc: string;
  pidFile: string;
  /** Where the refused PIN's hash is kept. */
  pinRefusedFile: string;
  pin?: string;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Running this long resets the backoff. */
  stableAfterMs?: number;
  onLog?: (line: string) => void;
  /** Runs right before every start of the daemon (no daemon is running at that moment). */
  beforeStart?: () => void;
  onState?: (state: DaemonState, detail: Record<string, unknown>) => void;
}

/** gammu-smsd's own words when the SIM refuses the PIN or needs a PUK. */
const PIN_REFUSED = /incorrect PIN|Error entering PIN|PUK|SIM (card )?(is )?blocked|security code/i;

/**
 * libdbi (0.9) raises DBI_ERROR_BADIDX (-6) whenever gammu asks for the next row of an empty
 * result, and gammu-smsd's DBI error callback logs every error: each poll of an empty outbox (and
 * the first look for its phones row) writes this line. Not a schema mismatch (gammu reports the
 * schema version it found at start, and a missing column is an SQL error, not -6): noise, counted.
 */
export function isEmptyResultNotice(line: string): boolean {
  return /DBI error -6:.*invalid or out-of-range index/i.test(line);
}

export function isPinRefusal(line: string): boolean {
  return PIN_REFUSED.test(line) && !/No PIN code in/i.test(line);
}

function pinHash(pin: string | undefined): string {
  return createHash("sha256")
    .update(`ek-pin:${pin ?? ""}`)
    .digest("hex");
}

export class GammuSupervisor {
  private child: ResultPromise | null = null;
  private timer: NodeJS.Timeout | null = null;
  private current: DaemonState = "stopped";
  private restarts = 0;
  private failuresInRow = 0;
  private startedAt = 0;
  private lastExit: { code: number | null; signal: string | null; at: string } | null = null;
  private lastLines: string[] = [];
  private stopping = false;
  private refusedNow = false;
  private emptyResultNotices = 0;
  private forcedRestarts = 0;
  private lastForced: { reason: string; at: string } | null = null;

  constructor(private readonly o: SupervisorOptions) {}

  get state(): DaemonState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  status(): Record<string, unknown> {
    return {
      daemon: this.current,
      pid: this.child?.pid ?? null,
      restarts: this.restarts,
      lastExit: this.lastExit,
      lastLog: this.lastLines.slice(-3),
      forcedRestarts: this.forcedRestarts,
      lastForcedRestart: this.lastForced,
      emptyResultNotices: this.emptyResultNotices,
    };
  }

  start(): void {
    this.stopping = false;
    if (existsSync(this.o.pinRefusedFile)) {
      const refused = readFileSync(this.o.pinRefusedFile, "utf8").trim();
      if (refused === pinHash(this.o.pin)) {
        this.setState("pin_refused", { reason: "the SIM refused this PIN before; change sms.pin" });
        return;
      }
      rmSync(this.o.pinRefusedFile, { force: true });
    }
    this.spawn();
  }

  private setState(state: DaemonState, detail: Record<string, unknown> = {}): void {
    this.current = state;
    this.o.onState?.(state, detail);
  }

  /**
   * A gammu-smsd left running by a gateway that was killed (its pid file names it and its command
   * line carries our smsdrc) is stopped first: two daemons must never share the modem.
   */
  private async reapOrphan(): Promise<void> {
    let pid: number;
    try {
      pid = Number(readFileSync(this.o.pidFile, "utf8").trim());
    } catch {
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return;
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    } catch {
      return; // not running: the pid file is merely stale
    }
    if (!cmdline.includes("gammu-smsd") || !cmdline.includes(this.o.smsdrc)) return;
    this.o.onLog?.(`stopping orphaned gammu-smsd ${pid} left by a previous gateway`);
    const alive = () => existsSync(`/proc/${pid}`);
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive()) process.kill(pid, "SIGKILL");
  }

  private spawn(): void {
    if (this.stopping) return;
    void this.reapOrphan()
      .catch((err) => this.o.onLog?.(`orphan check failed: ${(err as Error).message}`))
      .then(() => this.launch());
  }

  private launch(): void {
    if (this.stopping) return;
    rmSync(this.o.pidFile, { force: true });
    try {
      this.o.beforeStart?.();
    } catch (err) {
      this.o.onLog?.(`before start: ${(err as Error).message}`);
    }
    this.refusedNow = false;
    this.setState("starting");
    this.startedAt = Date.now();
    const child = execa(this.o.bin, ["-c", this.o.smsdrc, "-p", this.o.pidFile], {
      reject: false,
      buffer: false,
      stdin: "ignore",
      env: { TZ: "UTC" },
      cleanup: true,
    });
    this.child = child;
    const onLine = (line: string) => {
      if (!line.trim()) return;
      if (isEmptyResultNotice(line)) {
        this.emptyResultNotices++;
        return;
      }
      // Kept for /healthz: phone numbers masked (gammu logs every recipient).
      this.lastLines = [
        ...this.lastLines.slice(-19),
        line.replace(/\+?\d{9,15}/g, (n) => `${n.slice(0, 4)}***${n.slice(-3)}`),
      ];
      this.o.onLog?.(line);
      if (this.current === "starting" && /Starting phone communication|Connected to Database/i.test(line)) {
        this.setState("running", { pid: child.pid });
      }
      if (isPinRefusal(line)) this.refusePin(line);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = "";
      stream?.on("data", (chunk: Buffer) => {
        const text = rest + chunk.toString("utf8");
        const lines = text.split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) onLine(line);
      });
    }
    void child.then((result) => this.exited(child, result.exitCode ?? null, result.signal ?? null));
  }

  private refusePin(line: string): void {
    if (this.refusedNow) return;
    this.refusedNow = true;
    writeFileSync(this.o.pinRefusedFile, `${pinHash(this.o.pin)}\n`, { mode: 0o600 });
    this.setState("pin_refused", { line });
    // Do not give gammu a chance to try again.
    this.child?.kill("SIGTERM");
  }

  private exited(child: ResultPromise, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.lastExit = { code, signal, at: new Date().toISOString() };
    if (this.refusedNow) {
      this.setState("pin_refused", { exit: this.lastExit });
      return;
    }
    if (this.stopping) {
      this.setState("stopped");
      return;
    }
    if (Date.now() - this.startedAt > (this.o.stableAfterMs ?? 60_000)) this.failuresInRow = 0;
    this.failuresInRow++;
    this.restarts++;
    const delay = backoffMs(this.failuresInRow, {
      baseMs: this.o.backoffBaseMs ?? 1000,
      maxMs: this.o.backoffMaxMs ?? 60_000,
      jitter: false,
    });
    this.setState("backoff", { exit: this.lastExit, retryInMs: delay });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.spawn();
    }, delay);
  }

  /**
   * Restarts a daemon that runs but does nothing (a hung modem, a USB re-enumeration: it keeps its
   * old file descriptor). SIGTERM, SIGKILL after `graceMs` (a read blocked in the driver may not
   * see the signal); the exit takes the usual backoff path.
   */
  restart(reason: string, graceMs = 5000): void {
    const child = this.child;
    if (!child || this.stopping) return;
    this.forcedRestarts++;
    this.lastForced = { reason, at: new Date().toISOString() };
    this.o.onLog?.(`restarting gammu-smsd: ${reason}`);
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    void child.finally(() => clearTimeout(killer)).catch(() => {});
  }

  /** Stops the daemon (SIGTERM, then SIGKILL after `graceMs`). */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const child = this.child;
    if (!child) {
      if (this.current !== "pin_refused") this.setState("stopped");
      return;
    }
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await child.catch(() => undefined);
    clearTimeout(killer);
    if (this.current !== "pin_refused") this.setState("stopped");
  }

  /** Tests and the bench: kill the daemon abruptly (as a crash would). */
  crash(): void {
    this.child?.kill("SIGKILL");
  }
}
