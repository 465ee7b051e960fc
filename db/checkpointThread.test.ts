import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FALLBACK_CHECKPOINT_PAGES, type OpenedDb, openDb } from "./client.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let database: OpenedDb | undefined;
afterEach(() => {
  database?.close();
  database = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** 60 commits of 100 rows of 600 bytes: about 1,300 WAL pages, past SQLite's 1,000-page threshold. */
function burst(opened: OpenedDb, commits = 60): void {
  opened.sqlite.exec("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, v TEXT)");
  const insert = opened.sqlite.query("INSERT INTO filler (v) VALUES (?)");
  for (let i = 0; i < commits; i++)
    opened.sqlite.transaction(() => {
      for (let j = 0; j < 100; j++) insert.run("x".repeat(600));
    })();
}

describe("the WAL checkpoint thread", () => {
  it("copies the WAL back on its own thread, so no commit on the event loop runs a checkpoint", async () => {
    dir = mkdtempSync(join(tmpdir(), "ekor-checkpoint-"));
    const file = join(dir, "gateway.sqlite");
    // the thread's own timer is out of the way: only the pass asked for below checkpoints
    database = openDb(file, { checkpointThread: { everyMs: 3_600_000 } });
    const before = statSync(file).size;
    burst(database);
    expect(statSync(file).size, "no commit copied pages into the database file").toBe(before);

    const pass = await database.checkpoints?.pass();
    expect(pass?.log).toBeGreaterThan(1000);
    expect(pass?.checkpointed).toBe(pass?.log);
    expect(statSync(file).size).toBeGreaterThan(before + 1000 * 4096);
    expect(database.checkpoints?.lastError).toBeNull();
    const threshold = database.sqlite.query("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number };
    expect(threshold.wal_autocheckpoint).toBe(FALLBACK_CHECKPOINT_PAGES);
  });

  it("copies back on its own once 1,000 frames wait, and leaves a shorter WAL to grow as SQLite would", async () => {
    dir = mkdtempSync(join(tmpdir(), "ekor-checkpoint-"));
    const file = join(dir, "gateway.sqlite");
    database = openDb(file, { checkpointThread: { everyMs: 20 } });
    const sqlite = database.sqlite;
    const before = statSync(file).size;
    burst(database, 10); // about 220 frames
    await sleep(300);
    expect(statSync(file).size, "a short WAL is left alone").toBe(before);

    burst(database, 50); // about 1,300 in all
    const deadline = Date.now() + 5_000;
    while (statSync(file).size === before && Date.now() < deadline) await sleep(20);
    expect(statSync(file).size, "the thread copied the pages back").toBeGreaterThan(before + 500 * 4096);
    const rows = sqlite.query("SELECT count(*) AS n FROM filler").get() as { n: number };
    expect(rows.n).toBe(6000);
  });

  it("without the thread, the commit that crosses 1,000 pages copies them back itself", () => {
    dir = mkdtempSync(join(tmpdir(), "ekor-checkpoint-"));
    const file = join(dir, "gateway.sqlite");
    database = openDb(file);
    expect(database.checkpoints).toBeNull();
    const before = statSync(file).size;
    burst(database);
    expect(statSync(file).size).toBeGreaterThan(before + 500 * 4096);
  });

  it("closes its connection before the database is closed, and every commit is there when it is opened again", () => {
    dir = mkdtempSync(join(tmpdir(), "ekor-checkpoint-"));
    const file = join(dir, "gateway.sqlite");
    const first = openDb(file, { checkpointThread: true });
    burst(first);
    first.close();
    // the closing TRUNCATE checkpoint found no other connection in the way
    expect(statSync(`${file}-wal`).size).toBe(0);
    database = openDb(file);
    const rows = database.sqlite.query("SELECT count(*) AS n FROM filler").get() as { n: number };
    expect(rows.n).toBe(6000);
  });
});
