import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../db/client.ts";
import { HealthRegistry } from "../health.ts";
import { createLogger } from "../logger.ts";
import { type FakeNotifySocket, startFakeNotifySocket } from "./fakeNotifySocket.ts";
import { createNotifier, systemdNotifySend, watchdogIntervalMs } from "./notify.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const logger = createLogger("silent");

let dir: string;
let listener: FakeNotifySocket;
let child: ChildProcess | null = null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ekor-notify-"));
  listener = await startFakeNotifySocket(dir);
});

afterEach(() => {
  child?.kill("SIGKILL");
  child = null;
  listener.close();
  rmSync(dir, { recursive: true, force: true });
});

function startMain(dataDir: string): ChildProcess {
  const proc = spawn(join(ROOT, "node_modules/.bin/bun"), ["gateway/main.ts", "--demo"], {
    cwd: ROOT,
    stdio: "ignore",
    env: {
      ...process.env,
      NOTIFY_SOCKET: listener.path,
      WATCHDOG_USEC: "1000000",
      DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
    },
  });
  child = proc;
  return proc;
}

describe("systemd notifications", () => {
  it("derives the keep-alive period from WATCHDOG_USEC, only when it is meant for this process", () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "20000000" }, 42)).toBe(10_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "20000000", WATCHDOG_PID: "42" }, 42)).toBe(10_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "20000000", WATCHDOG_PID: "7" }, 42)).toBeNull();
    expect(watchdogIntervalMs({}, 42)).toBeNull();
  });

  it("does nothing outside systemd (no NOTIFY_SOCKET)", () => {
    expect(createNotifier({ health: new HealthRegistry(), logger }, {})).toBeNull();
  });

  it("sends WATCHDOG=1 through systemd-notify only while db and register are ok", async () => {
    const health = new HealthRegistry();
    let registerOk = true;
    health.register("db", () => ({ status: "ok" }));
    health.register("register", () => ({ status: registerOk ? "ok" : "down" }));
    health.register("printer", () => ({ status: "down" }));
    const notifier = createNotifier({ health, logger }, { NOTIFY_SOCKET: listener.path });
    expect(notifier).not.toBeNull();
    expect(await notifier?.tick()).toBe(true);
    await listener.waitFor("WATCHDOG=1");

    registerOk = false;
    const before = listener.messages.length;
    expect(await notifier?.tick()).toBe(false);
    const status = await listener.waitFor("STATUS=unhealthy: db ok, register down", 5_000, before);
    expect(status).not.toContain("WATCHDOG=1");
    expect(listener.messages.slice(before).some((m) => m.includes("WATCHDOG=1"))).toBe(false);
  });

  it("reports a failure of systemd-notify instead of throwing", async () => {
    const health = new HealthRegistry();
    health.register("db", () => ({ status: "ok" }));
    health.register("register", () => ({ status: "ok" }));
    const send = systemdNotifySend(join(dir, "nobody-listens.sock"));
    const notifier = createNotifier({ health, logger }, { NOTIFY_SOCKET: "x" }, send);
    expect(await notifier?.tick()).toBe(false);
  });

  it("the running gateway says READY=1 and keeps the watchdog fed", async () => {
    startMain(join(dir, "data"));
    const ready = await listener.waitFor("READY=1", 45_000);
    expect(ready.join("\n")).toMatch(/STATUS=listening on http:\/\/127\.0\.0\.1:\d+/);
    const after = listener.messages.length;
    await listener.waitFor("WATCHDOG=1", 5_000, after);
    await listener.waitFor("WATCHDOG=1", 5_000, listener.messages.length);
    child?.kill("SIGTERM");
    await listener.waitFor("STOPPING=1", 10_000);
  }, 70_000);

  it("the running gateway withholds the watchdog when the register chain is broken", async () => {
    const dataDir = join(dir, "data");
    // A fresh database (migrations applied) whose first register event does not chain to genesis.
    const database = openDb(join(dataDir, "gateway.sqlite"));
    database.sqlite.exec(
      `INSERT INTO register_events (seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash)
       VALUES (1, 'withdrawn', 'A-1', NULL, '{}', '2026-01-01T10:00:00.000Z', '${"1".repeat(64)}', '${"2".repeat(64)}')`,
    );
    database.close();

    startMain(dataDir);
    await listener.waitFor("READY=1", 45_000);
    await listener.waitFor("STATUS=unhealthy: db ok, register down", 5_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(listener.messages.some((m) => m.includes("WATCHDOG=1"))).toBe(false);
  }, 70_000);
});
