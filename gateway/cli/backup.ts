/**
 * Database backup (the nightly `e-korespondencja-backup.timer` runs this):
 *   bun gateway/cli/backup.ts [--dir DIR] [--keep-days N]
 * Writes `<dataDir>/backups/gateway-<UTC time>.sqlite` with VACUUM INTO (consistent while the
 * gateway writes), checks the copy with `PRAGMA integrity_check` before keeping it, and deletes
 * copies older than N days (default 14; the newest copy is always kept). Exit 1 on failure.
 */
import { Database } from "bun:sqlite";
import { readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backupTo, integrityCheck, openDb } from "../../db/client.ts";
import { loadConfig } from "../config.ts";

export const BACKUP_NAME = /^gateway-\d{8}T\d{6}Z\.sqlite$/;

const { values } = parseArgs({ options: { dir: { type: "string" }, "keep-days": { type: "string" } } });
const config = loadConfig();
const dir = values.dir ?? join(config.dataDir, "backups");
const keepDays = Number(values["keep-days"] ?? 14);
if (!Number.isFinite(keepDays) || keepDays < 1) {
  console.error("backup: --keep-days must be a number of days >= 1");
  process.exit(2);
}

const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, "")
  .replace(/\.\d+Z$/, "Z");
const target = join(dir, `gateway-${stamp}.sqlite`);
const partial = `${target}.partial`;

const live = openDb(join(config.dataDir, "gateway.sqlite"));
try {
  rmSync(partial, { force: true });
  backupTo(live.sqlite, partial);
} finally {
  live.close();
}

const copy = new Database(partial, { readonly: true });
let verdict: string;
let events = 0;
try {
  verdict = integrityCheck(copy);
  events = (copy.query("SELECT count(*) AS n FROM register_events").get() as { n: number }).n;
} finally {
  copy.close();
}
if (verdict !== "ok") {
  rmSync(partial, { force: true });
  console.error(`backup: the copy failed integrity_check (${verdict}); nothing kept`);
  process.exit(1);
}
renameSync(partial, target);

const cutoff = Date.now() - keepDays * 86_400_000;
const removed: string[] = [];
for (const name of readdirSync(dir).filter((n) => BACKUP_NAME.test(n))) {
  const path = join(dir, name);
  if (path !== target && statSync(path).mtimeMs < cutoff) {
    rmSync(path, { force: true });
    removed.push(name);
  }
}
console.log(
  JSON.stringify({ backup: target, bytes: statSync(target).size, registerEvents: events, integrity: "ok", removed }),
);
