/**
 * systemd notification protocol (sd_notify) for `Type=notify` + `WatchdogSec=`.
 *
 * READY=1 goes out once the HTTP server listens; WATCHDOG=1 goes out from the gateway's own
 * health loop, and only while the parts a resident's enrolment needs (db, register) are ok,
 * so systemd restarts a gateway that is alive but useless. Bun cannot send unix datagrams, so
 * messages go through `systemd-notify`, which waits for the manager to process each message
 * (its barrier) — the unit therefore needs `NotifyAccess=all`.
 */
import { execa } from "execa";
import type { HealthRegistry } from "../health.ts";
import type { Logger } from "../logger.ts";

/** Sends one notification (several `KEY=VALUE` lines). */
export type NotifySend = (lines: string[]) => Promise<void>;

export function systemdNotifySend(socket: string, binary = "systemd-notify"): NotifySend {
  return async (lines) => {
    await execa(binary, lines, { env: { NOTIFY_SOCKET: socket }, timeout: 8_000, stdin: "ignore" });
  };
}

export interface NotifierDeps {
  health: HealthRegistry;
  logger: Logger;
}

export interface Notifier {
  /** Tells systemd the gateway is up (READY=1) and starts the watchdog loop. */
  ready(status: string): Promise<void>;
  /** One health check and, when db and register are ok, one WATCHDOG=1. Returns whether it was sent. */
  tick(): Promise<boolean>;
  /** STOPPING=1 and no more keep-alives. */
  stop(): Promise<void>;
}

/** The keep-alive period: half of systemd's `WATCHDOG_USEC` (when it is meant for us), else 10 s. */
export function watchdogIntervalMs(env: Record<string, string | undefined>, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(500, Math.floor(usec / 2000));
}

/** Returns null when the gateway does not run under systemd (`NOTIFY_SOCKET` unset). */
export function createNotifier(
  deps: NotifierDeps,
  env: Record<string, string | undefined> = process.env,
  send?: NotifySend,
): Notifier | null {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return null;
  const transport = send ?? systemdNotifySend(socket);
  const intervalMs = watchdogIntervalMs(env) ?? 10_000;
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<boolean> | null = null;
  let lastHealthy = true;

  async function notify(lines: string[]): Promise<boolean> {
    try {
      await transport(lines);
      return true;
    } catch (err) {
      deps.logger.warn({ err }, "systemd notification failed");
      return false;
    }
  }

  async function check(): Promise<boolean> {
    const report = await deps.health.report();
    const db = report.parts.db?.status;
    const register = report.parts.register?.status;
    const healthy = db === "ok" && register === "ok";
    if (!healthy) {
      if (lastHealthy) deps.logger.error({ db, register }, "health check failed; withholding the systemd watchdog");
      lastHealthy = false;
      await notify([`STATUS=unhealthy: db ${db}, register ${register}`]);
      return false;
    }
    const lines = ["WATCHDOG=1"];
    if (!lastHealthy) lines.push(`STATUS=healthy (${report.status})`);
    lastHealthy = true;
    return notify(lines);
  }

  return {
    async ready(status) {
      await notify(["READY=1", `STATUS=${status}`]);
      timer = setInterval(() => {
        if (running) return;
        running = check().finally(() => {
          running = null;
        });
      }, intervalMs);
      timer.unref?.();
    },
    tick() {
      return check();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (running) await running;
      await notify(["STOPPING=1"]);
    },
  };
}
