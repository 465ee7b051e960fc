/**
 * A power cut while gammu-smsd moves a sent message: gammu 1.42 (smsd/services/sql.c) first
 * inserts each sent part into `sentitems` (add_sent_info), and only then, in separate
 * statements, deletes the message from `outbox` and `outbox_multipart` (SMSDSQL_MoveSMS). A cut
 * between them leaves the same id in `outbox` and `sentitems`. For a one-part message nothing in
 * `outbox` says it was sent: gammu updates the outbox `Status` only for multipart messages, so
 * its "skip parts marked SendingOK" rule does not apply.
 *
 * The state is made by gammu itself: a trigger refuses the delete from `outbox`, gammu-smsd gets
 * SIGKILL after it has tried, and the trigger is dropped again. Then gammu-smsd starts again, as
 * after the power comes back, and we count what the dummy modem transmits: once bare (what gammu
 * does by itself), once after what the gateway does before it starts gammu-smsd
 * (GammuDb.beforeDaemonStart, which GammuModem runs before each start of the daemon).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openForeignSqlite } from "../../db/client.ts";
import { ensureGammuDb, GammuDb } from "./gammuDb.ts";
import { renderSmsdrc } from "./smsdrc.ts";

const dir = mkdtempSync(join(tmpdir(), "ekor-gammu-cut-"));
afterAll(() => {
  if (!process.env.EK_KEEP) rmSync(dir, { recursive: true, force: true });
});

let modem = "";
let dbFile = "";

/** A fresh dummy modem and gammu database for one case. */
function freshSetup(name: string): void {
  modem = join(dir, name, "modem");
  mkdirSync(modem, { recursive: true });
  dbFile = join(dir, name, "smsd.sqlite");
  ensureGammuDb(dbFile);
}

function configFor(log: string): string {
  const smsdrc = join(modem, "..", `smsdrc-${log}`);
  writeFileSync(
    smsdrc,
    renderSmsdrc({
      device: modem,
      connection: "at",
      model: "dummy",
      dbDir: `${join(modem, "..")}/`,
      dbFile: "smsd.sqlite",
      phoneId: "ekor",
      logFile: join(modem, "..", log),
      commTimeout: 1,
      loopSleep: 1,
      deliveryReports: false,
    }),
  );
  return smsdrc;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function logOf(name: string): string {
  const file = join(modem, "..", name);
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** Transmissions the dummy modem confirmed to gammu-smsd (its send-status callback). */
const transmissions = (log: string) => (log.match(/SMS sent on device/g) ?? []).length;

/** Runs gammu-smsd until `done(log)` holds, then kills it the way `signal` says. */
async function runDaemon(log: string, done: (text: string) => boolean, signal: NodeJS.Signals): Promise<string> {
  const smsdrc = configFor(log);
  const daemon = spawn("gammu-smsd", ["-c", smsdrc], { stdio: "ignore", env: { ...process.env, TZ: "UTC" } });
  const exited = new Promise((r) => daemon.once("exit", r));
  try {
    for (let i = 0; i < 150 && !done(logOf(log)); i++) await sleep(100);
  } finally {
    daemon.kill(signal);
    await exited;
  }
  return logOf(log);
}

/**
 * Injects a one-time code, lets gammu-smsd send it and cuts the power (SIGKILL) after the insert
 * into `sentitems` and before the delete from `outbox`. Returns gammu's id of the message.
 */
async function sendAndCutMidMove(): Promise<number> {
  const injected = execFileSync(
    "gammu-smsd-inject",
    ["-c", configFor("inject.log"), "TEXT", "+48600100200", "-text", "Kod: 123456"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const id = Number(/Written message with ID (\d+)/.exec(injected)?.[1]);
  expect(id).toBeGreaterThan(0);
  const db = openForeignSqlite(dbFile);
  try {
    db.exec("CREATE TRIGGER cut_before_delete BEFORE DELETE ON outbox BEGIN SELECT RAISE(ABORT, 'power cut'); END");
    const first = await runDaemon(
      "first.log",
      (log) => /SQL failed: DELETE FROM outbox/.test(log) && transmissions(log) > 0,
      "SIGKILL",
    );
    db.exec("DROP TRIGGER cut_before_delete");
    expect(transmissions(first)).toBe(1);
    // the state the cut leaves: the same id in both tables, and nothing in outbox says "sent"
    const row = db
      .query("SELECT o.Status AS status FROM outbox o JOIN sentitems s ON s.ID = o.ID WHERE o.ID = ?")
      .get(id) as { status: string } | null;
    expect(row).toEqual({ status: "Reserved" });
  } finally {
    db.close();
  }
  return id;
}

/** Starts gammu-smsd again, as when the power comes back; how many messages it transmits. */
async function restartAndCount(): Promise<{ transmitted: number; log: string }> {
  const db = openForeignSqlite(dbFile, { readonly: true });
  try {
    // gammu-smsd looks at the outbox every loop (LoopSleep = 1 s): 4 s after it has registered
    // the phone, it has had its chances
    let since = 0;
    const log = await runDaemon(
      "second.log",
      (text) => {
        if (transmissions(text) > 0) return true;
        if (!since && db.query("SELECT 1 FROM phones").get()) since = Date.now();
        return since > 0 && Date.now() - since > 4000;
      },
      "SIGTERM",
    );
    return { transmitted: transmissions(log), log };
  } finally {
    db.close();
  }
}

describe("a power cut between gammu's insert into sentitems and its delete from outbox", () => {
  it("makes gammu-smsd 1.42 by itself transmit the one-part message again after the restart", async () => {
    freshSetup("bare");
    const id = await sendAndCutMidMove();
    // what the gateway's beforeStart does anyway: a killed daemon's reservation is released
    const gammu = new GammuDb(dbFile);
    gammu.releaseReservations();
    gammu.close();
    const second = await restartAndCount();
    expect(second.transmitted).toBe(1);
    expect(second.log).toContain(`New message to send: ${id}`);
  }, 30_000);

  it("sends the message only once when the gateway settles gammu's database before the restart", async () => {
    freshSetup("settled");
    const id = await sendAndCutMidMove();
    const gammu = new GammuDb(dbFile);
    expect(gammu.beforeDaemonStart()).toEqual({ settled: 1, released: 0 });
    gammu.close();
    const second = await restartAndCount();
    expect(second.transmitted).toBe(0);
    const db = openForeignSqlite(dbFile, { readonly: true });
    try {
      expect(db.query("SELECT count(*) AS n FROM sentitems WHERE ID = ?").get(id)).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  }, 30_000);
});
