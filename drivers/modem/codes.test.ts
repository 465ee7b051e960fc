/**
 * One-time codes through the real gammu-smsd (dummy modem): a resident waits at the kiosk, so a
 * one-part code goes straight into gammu's outbox from our own connection instead of through
 * gammu-smsd-inject. The inject's SQL backend answers a busy database by sleeping a whole second
 * (gammu's SMSDSQL_Reconnect); our connection waits only as long as the other writer holds it.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openForeignSqlite } from "../../db/client.ts";
import { until } from "../../gateway/testing/local.ts";
import { GammuModem } from "./gammuModem.ts";
import { inject } from "./inject.ts";

const hasGammu = spawnSync("gammu-smsd", ["--version"]).status === 0;
const dirs: string[] = [];
const modems: GammuModem[] = [];
afterEach(async () => {
  for (const m of modems.splice(0)) await m.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function runningModem(injectBin?: string): Promise<{ modem: GammuModem; dbFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), "ekor-codes-"));
  dirs.push(dir);
  const modem = new GammuModem({
    stateDir: join(dir, "gammu"),
    device: join(dir, "modem"),
    connection: "at",
    model: "dummy",
    timings: { commTimeout: 1, loopSleep: 0, receiveFrequency: 1, statusFrequency: 1 },
    backoffBaseMs: 100,
    backoffMaxMs: 200,
    injectBin,
  });
  modems.push(modem);
  await modem.start();
  await until("gammu-smsd running", () => modem.supervisor.state === "running");
  return { modem, dbFile: join(dir, "gammu", "smsd.sqlite") };
}

/** Another process holds gammu's write lock for `ms` (as gammu-smsd does while it records a send). */
async function holdWriteLock(dbFile: string, ms: number): Promise<{ released: Promise<void> }> {
  const holder = spawn("sqlite3", [dbFile], { stdio: ["pipe", "ignore", "inherit"] });
  holder.stdin.end(
    `BEGIN IMMEDIATE;\nINSERT INTO ek_pending_tags (tag, destination, text) VALUES ('lock', '-', '-');\n.shell sleep ${ms / 1000}\nROLLBACK;\n`,
  );
  const released = new Promise<void>((resolve) => holder.once("exit", () => resolve()));
  // until the lock is really held: a write with no busy timeout is refused
  const probe = openForeignSqlite(dbFile);
  probe.exec("PRAGMA busy_timeout = 0");
  try {
    await until("the other writer's lock", () => {
      try {
        probe.exec("BEGIN IMMEDIATE");
        probe.exec("ROLLBACK");
        return undefined;
      } catch {
        return true;
      }
    });
  } finally {
    probe.close();
  }
  return { released };
}

const code = (n: number) => ({
  id: `otp-${n}`,
  to: `+48600${String(100_000 + n)}`,
  text: `Kod weryfikacyjny SM Nasz Dom: ${String(100_000 + n)}. Ważny 5 min.`,
  unicode: true,
  report: true,
  parts: 1,
  urgent: true,
});

describe.skipIf(!hasGammu)("one-time codes through gammu-smsd", () => {
  it("writes a one-part code straight into gammu's outbox under our id, and gammu-smsd sends it with its Polish text", async () => {
    // an inject that always fails: a code must not need it (a bulk text still does)
    const { modem, dbFile } = await runningModem("/bin/false");
    await expect(modem.submit({ ...code(9), id: "bulk-9", urgent: false })).rejects.toThrow(/gammu-smsd-inject failed/);
    const first = await modem.submit(code(1));
    expect(first.reused).toBe(false);
    const sent = await until("the code sent", async () => {
      const status = (await modem.statusOf([first.externalId])).get(first.externalId);
      return status?.state === "sent" || status?.state === "delivered" ? status : undefined;
    });
    expect(sent.state).toMatch(/sent|delivered/);
    const gammu = openForeignSqlite(dbFile, { readonly: true });
    try {
      expect(
        gammu
          .query("SELECT TextDecoded AS text, CreatorID AS tag, Coding AS coding FROM sentitems WHERE ID = ?")
          .get(Number(first.externalId)),
      ).toEqual({ text: code(1).text, tag: "otp-1", coding: "Unicode_No_Compression" });
    } finally {
      gammu.close();
    }
    // handing it over again finds it: nothing is sent twice
    expect(await modem.submit(code(1))).toEqual({ externalId: first.externalId, reused: true });
  }, 60_000);

  it("waits only as long as another writer holds gammu's database, where the inject sleeps a whole second", async () => {
    const { modem, dbFile } = await runningModem();
    // our path: the code is written once the other writer lets go (300 ms), not a second later
    let lock = await holdWriteLock(dbFile, 300);
    let started = performance.now();
    await modem.submit(code(2));
    const ours = performance.now() - started;
    await lock.released;
    // gammu-smsd-inject meeting the same lock: gammu's SQL backend sleeps a whole second
    lock = await holdWriteLock(dbFile, 300);
    started = performance.now();
    await inject({ bin: "gammu-smsd-inject", smsdrc: modem.smsdrc, ...code(3) });
    const injected = performance.now() - started;
    await lock.released;
    console.log(
      `a busy gammu database for 300 ms: a code waited ${ours.toFixed(0)} ms, an inject ${injected.toFixed(0)} ms`,
    );
    expect(ours).toBeLessThan(900);
    expect(injected).toBeGreaterThanOrEqual(1000);
  }, 60_000);
});
