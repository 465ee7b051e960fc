/** Backups never fill the disk: free space is checked first and the last good copy is kept. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../db/client.ts";

const REPO = new URL("..", import.meta.url).pathname;
const BUN = join(REPO, "node_modules/.bin/bun");
const dataDir = mkdtempSync(join(tmpdir(), "ekor-backup-full-"));
// The backup directory on a real 512 KiB tmpfs (root: CI and `npm test` run as root).
const backups = mkdtempSync(join(tmpdir(), "ekor-backup-small-"));

beforeAll(() => {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", backups]);
  const database = openDb(join(dataDir, "gateway.sqlite"));
  const filler = "x".repeat(1000);
  database.sqlite.exec("CREATE TABLE IF NOT EXISTS bulk (v TEXT)");
  const insert = database.sqlite.prepare("INSERT INTO bulk (v) VALUES (?)");
  for (let i = 0; i < 2000; i++) insert.run(filler); // about 2 MB: more than the backup disk holds
  database.close();
});
afterAll(() => {
  execFileSync("umount", ["-l", backups]);
  rmSync(backups, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a backup on a disk without room for it", () => {
  it("checks the free space first, says so in plain words, writes nothing and keeps the last good copy", async () => {
    const lastGood = join(backups, "gateway-20261129T023000Z.sqlite");
    writeFileSync(lastGood, "the copy from last night");
    const run = await execa(BUN, ["gateway/cli/backup.ts", "--dir", backups], {
      cwd: REPO,
      reject: false,
      env: { DATA_DIR: dataDir, CONFIG_FILE: "" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/not enough free space/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readdirSync(backups)).toEqual(["gateway-20261129T023000Z.sqlite"]);
  });
});
