import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type OpenedDb, openDb, rawStatement } from "./client.ts";

let dir: string;
let database: OpenedDb | undefined;
afterEach(() => {
  database?.close();
  database = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Unlinked files this process holds open (SQLite's temporary files are unlinked as soon as they are made). */
const deletedFilesOpen = () =>
  readdirSync("/proc/self/fd")
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return "";
      }
    })
    .filter((target) => target.endsWith("(deleted)"));

describe("savepoint journals", () => {
  it("stay in memory: a nested transaction that rewrites many pages writes no temporary file", () => {
    dir = mkdtempSync(join(tmpdir(), "ekor-journals-"));
    database = openDb(join(dir, "gateway.sqlite"));
    const sqlite = database.sqlite;
    sqlite.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, v TEXT)");
    const insert = sqlite.query("INSERT INTO filler (v) VALUES (?)");
    sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run("x".repeat(600));
    })();

    const before = new Set(deletedFilesOpen());
    let seen: string[] = [];
    database.db.transaction((tx) =>
      // a nested transaction is a savepoint (as recordSent inside the workers' pass)
      tx.transaction((inner) => {
        rawStatement(inner, "UPDATE filler SET v = ?").run("y".repeat(600));
        seen = deletedFilesOpen().filter((file) => !before.has(file));
      }),
    );
    expect(seen, "SQLite spilled the savepoint's page images to a temporary file").toEqual([]);
    const changed = sqlite.query("SELECT count(*) AS n FROM filler WHERE v LIKE 'y%'").get() as { n: number };
    expect(changed.n).toBe(2000);
  });
});
