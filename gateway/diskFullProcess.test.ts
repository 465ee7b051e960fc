/**
 * The whole cycle of a full disk on the real gateway process: its data directory (gammu's
 * database included) on a real 48 MiB tmpfs (root: CI and `npm test` run as root), a bulk send
 * of emails and SMS (through the real gammu-smsd with its dummy modem) under way when the disk
 * fills. The process must not crash (the outbox, gammu-smsd-inject, the printer and the logs
 * all meet ENOSPC/SQLITE_FULL), must refuse new applications with 503 OUT_OF_SERVICE, and, once
 * space is freed, must finish the send and take enrolments again: same process, no restart,
 * nothing that was committed lost, the database intact.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrityCheck, openForeignSqlite } from "../db/client.ts";
import { freePort, queueBulkSend, readDemoOwners, sleep, spawnGateway } from "./testing/local.ts";

const EMAILS = 400;
const SMS = 8;
const work = mkdtempSync(join(tmpdir(), "ekor-diskcycle-"));
const mountPoint = join(work, "disk");
const dataDir = join(mountPoint, "data");
const modemDir = join(work, "modem");
let child: ChildProcess | undefined;
let output = () => "";
let url = "";
let fillers = 0;

beforeAll(async () => {
  mkdirSync(mountPoint);
  mkdirSync(modemDir);
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", mountPoint]);
  mkdirSync(dataDir);
  queueBulkSend(join(dataDir, "gateway.sqlite"), { prefix: "full", emails: EMAILS, sms: SMS, repeatText: 40 });
  const port = await freePort();
  const configFile = join(work, "config.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      demo: true,
      dataDir,
      logLevel: "warn",
      server: { host: "127.0.0.1", port },
      disk: { minFreeMb: 2 },
      sms: {
        driver: "gammu",
        model: "dummy",
        device: modemDir,
        pollMs: 100,
        perMinute: 6,
        quietHours: { start: "00:00", end: "00:00" },
      },
      outbox: { leaseSeconds: 2, pollMs: 100 },
    }),
  );
  ({ child, output } = spawnGateway(configFile, dataDir));
  url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).status > 0) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`gateway did not start:\n${output()}`);
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }
  execFileSync("umount", ["-l", mountPoint]);
  rmSync(work, { recursive: true, force: true });
});

function fillDisk(): void {
  try {
    for (; ; fillers++) writeFileSync(join(mountPoint, `filler-${fillers}`), Buffer.alloc(64 * 1024));
  } catch {
    // ENOSPC
  }
}

function freeDisk(): void {
  for (let i = 0; i <= fillers; i++) rmSync(join(mountPoint, `filler-${i}`), { force: true });
}

function outboxCounts(): Record<string, number> {
  const database = openForeignSqlite(join(dataDir, "gateway.sqlite"), { readonly: true });
  try {
    const rows = database
      .query("SELECT channel || ':' || status AS k, count(*) AS n FROM outbox WHERE id LIKE 'full-%' GROUP BY 1")
      .all() as Array<{ k: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  } finally {
    database.close();
  }
}

/** The first flat of the demo owners register the gateway wrote at its first start. */
function demoFlat(): { flatCode: string; surname: string; ownerCode: string } {
  const [first] = readDemoOwners(dataDir);
  return { flatCode: first.flatCode, surname: first.surnames[0], ownerCode: first.ownerCode };
}
const identify = () =>
  fetch(`${url}/api/v1/kiosk/identify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(demoFlat()),
  });

describe("a data disk that fills during a bulk send", () => {
  it("keeps the process up, refuses applications with 503, and finishes the send and takes enrolments again once space is freed, without a restart", async () => {
    const pid = child?.pid;
    // the send is under way
    for (let i = 0; i < 300 && (outboxCounts()["email:sent"] ?? 0) < 20; i++) await sleep(100);
    const before = outboxCounts();
    const sentBefore = before["email:sent"] ?? 0;
    expect(sentBefore).toBeGreaterThan(0);
    expect(sentBefore).toBeLessThan(EMAILS);
    const smsBefore = (before["sms:sent"] ?? 0) + (before["sms:delivered"] ?? 0);
    expect(smsBefore).toBeLessThan(SMS); // some SMS still to inject into gammu's database

    fillDisk();
    // the outbox's own failed writes turn health down, before any resident tries anything
    let health = 0;
    for (let i = 0; i < 100 && health !== 503; i++) {
      health = (await fetch(`${url}/healthz`)).status;
      if (health !== 503) await sleep(100);
    }
    expect(health).toBe(503);
    const refused = await identify();
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("OUT_OF_SERVICE");
    // a while on a full disk: the outbox, gammu-smsd-inject and gammu-smsd all fail to write
    await sleep(6_000);
    expect(child?.exitCode, output()).toBeNull();
    expect(child?.signalCode).toBeNull();
    expect((await fetch(`${url}/healthz`)).status).toBe(503);

    freeDisk();
    // same process: health clears, the send finishes, an application is taken again
    let healthy = 0;
    for (let i = 0; i < 100 && healthy !== 200; i++) {
      healthy = (await fetch(`${url}/healthz`)).status;
      if (healthy !== 200) await sleep(100);
    }
    expect(healthy).toBe(200);
    expect((await identify()).status).toBe(200);
    let counts = outboxCounts();
    for (let i = 0; i < 900; i++) {
      counts = outboxCounts();
      const smsDone = (counts["sms:sent"] ?? 0) + (counts["sms:delivered"] ?? 0);
      if ((counts["email:sent"] ?? 0) === EMAILS && smsDone === SMS) break;
      await sleep(100);
    }
    expect(counts).toMatchObject({ "email:sent": EMAILS });
    expect((counts["sms:sent"] ?? 0) + (counts["sms:delivered"] ?? 0)).toBe(SMS);
    expect(child?.pid).toBe(pid);
    expect(child?.exitCode).toBeNull();

    const database = openForeignSqlite(join(dataDir, "gateway.sqlite"), { readonly: true });
    try {
      expect(integrityCheck(database)).toBe("ok");
    } finally {
      database.close();
    }
    const gammu = openForeignSqlite(join(dataDir, "gammu", "smsd.sqlite"), { readonly: true });
    try {
      expect(integrityCheck(gammu)).toBe("ok");
    } finally {
      gammu.close();
    }
    // the outbox really met the full disk (and said so in its log), it did not just wait
    const logged = new Set([...output().matchAll(/"msg":"([^"]+)"/g)].map((m) => m[1]));
    expect([...logged]).toContain("outbox pass failed");
    console.log(
      `full disk cycle: ${sentBefore} emails and ${smsBefore} SMS sent before the disk filled, all ${EMAILS} + ${SMS} after; logged: ${[...logged].join(" | ")}`,
    );
  }, 180_000);
});
