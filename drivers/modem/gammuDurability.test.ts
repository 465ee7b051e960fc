/**
 * Whose commits reach the card, in gammu's database: the real gammu-smsd-inject and gammu-smsd
 * (dummy modem) under strace. They open the file through libdbi's sqlite3 driver, which sets no
 * `synchronous`, so SQLite's default applies (Debian builds it FULL, also in WAL mode): each of
 * their commits syncs the WAL before it returns. Only the gateway's own connection runs with
 * `synchronous = NORMAL` (drivers/modem/gammuDb.ts); docs/faults.md says why that is safe.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openForeignSqlite } from "../../db/client.ts";
import { ensureGammuDb } from "./gammuDb.ts";
import { renderSmsdrc } from "./smsdrc.ts";

const dir = mkdtempSync(join(tmpdir(), "ekor-gammu-sync-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modem = join(dir, "modem");
mkdirSync(modem);
const smsdrc = join(dir, "smsdrc");
writeFileSync(
  smsdrc,
  renderSmsdrc({
    device: modem,
    connection: "at",
    model: "dummy",
    dbDir: `${dir}/`,
    dbFile: "smsd.sqlite",
    phoneId: "ekor",
    logFile: "stderr",
    commTimeout: 1,
    loopSleep: 1,
    deliveryReports: false,
  }),
);
const dbFile = join(dir, "smsd.sqlite");
ensureGammuDb(dbFile);

/** The syncs in an strace -y log, by the file they synced. */
function syncedFiles(trace: string): string[] {
  return [...trace.matchAll(/\b(?:fsync|fdatasync)\(\d+<([^>]+)>\)\s+=\s+0/g)].map((m) => m[1]);
}

/**
 * Like the gateway in production: another connection holds the database open and the WAL
 * already has frames, so a sync of the WAL during `run` can only be a commit's own (no
 * checkpoint on close, no WAL header of a fresh WAL).
 */
async function walSyncsWhileHeld(run: () => Promise<void> | void, trace: string): Promise<string[]> {
  const holder = openForeignSqlite(dbFile);
  try {
    holder.exec("INSERT INTO ek_pending_tags (tag, destination, text) VALUES ('holder', '+48600000000', 'x')");
    await run();
  } finally {
    holder.close();
  }
  return syncedFiles(readFileSync(trace, "utf8")).filter((f) => f === `${dbFile}-wal`);
}

describe("gammu's own writes to its database", () => {
  it("runs in WAL mode", () => {
    const db = openForeignSqlite(dbFile, { readonly: true });
    try {
      expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    } finally {
      db.close();
    }
  });

  it("tells a NORMAL commit (no sync of the WAL) from a FULL one (control, with the sqlite3 shell)", async () => {
    const shell = (mode: string) => {
      const trace = join(dir, `shell-${mode}.trace`);
      return walSyncsWhileHeld(() => {
        execFileSync("strace", [
          ...["-f", "-y", "-e", "trace=fsync,fdatasync", "-o", trace, "sqlite3", dbFile],
          `PRAGMA synchronous=${mode}; INSERT INTO ek_pending_tags (tag, destination, text) VALUES ('${mode}', '+48600000001', 'x');`,
        ]);
      }, trace);
    };
    expect(await shell("NORMAL")).toEqual([]);
    expect((await shell("FULL")).length).toBeGreaterThan(0);
  });

  it("gammu-smsd-inject syncs the WAL before it reports the message written", async () => {
    const trace = join(dir, "inject.trace");
    let out = "";
    const synced = await walSyncsWhileHeld(() => {
      out = execFileSync(
        "strace",
        [
          ...["-f", "-y", "-e", "trace=fsync,fdatasync", "-o", trace],
          ...["gammu-smsd-inject", "-c", smsdrc, "TEXT", "+48600100200", "-text", "Test"],
        ],
        { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
    }, trace);
    expect(out).toMatch(/Written message with ID \d+/);
    expect(synced.length).toBeGreaterThan(0);
  });

  it("gammu-smsd syncs the WAL when it moves a sent message to sentitems", async () => {
    const trace = join(dir, "smsd.trace");
    const pidFile = join(dir, "smsd.pid");
    const synced = await walSyncsWhileHeld(async () => {
      const daemon = spawn(
        "strace",
        ["-f", "-y", "-e", "trace=fsync,fdatasync", "-o", trace, "gammu-smsd", "-c", smsdrc, "-p", pidFile],
        { stdio: "ignore" },
      );
      try {
        const db = openForeignSqlite(dbFile, { readonly: true });
        const sent = db.query("SELECT count(*) AS n FROM sentitems");
        for (let i = 0; i < 300 && (sent.get() as { n: number }).n === 0; i++)
          await new Promise((r) => setTimeout(r, 100));
        expect((sent.get() as { n: number }).n).toBeGreaterThan(0);
        db.close();
      } finally {
        // stop the daemon itself: strace then exits with it (killing strace would only detach it)
        const exited = new Promise((r) => daemon.once("exit", r));
        try {
          process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGTERM");
        } catch {
          daemon.kill("SIGKILL");
        }
        await exited;
      }
    }, trace);
    expect(synced.length).toBeGreaterThan(0);
  }, 40_000);
});
