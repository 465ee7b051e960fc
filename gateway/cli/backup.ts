/**
 * Database backup (the nightly `e-korespondencja-backup.timer` runs this):
 *   bun gateway/cli/backup.ts [--dir DIR] [--keep-days N] [--send-to-office]
 *   bun gateway/cli/backup.ts restore <file>      (see restore.ts: checks the copy first)
 * Writes `<dataDir>/backups/gateway-<UTC time>.sqlite` with VACUUM INTO (consistent while the
 * gateway writes), checks the copy with `PRAGMA integrity_check` before keeping it, and deletes
 * copies older than N days (default 14; the newest copy is always kept). Exit 1 on failure.
 * `--send-to-office` also PUTs the copy to `<office.url>/backups/<name>`, signed like every
 * office request (office.keyId/secret); only over https, or http to this machine (tests).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backupTo, integrityCheck, openDb, openForeignSqlite } from "../../db/client.ts";
import { type Config, loadConfig } from "../config.ts";
import { signRequest } from "../office/signing.ts";
import { restoreBackup } from "./restore.ts";

export const BACKUP_NAME = /^gateway-\d{8}T\d{6}Z\.sqlite$/;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: "string" },
    "keep-days": { type: "string" },
    "send-to-office": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    [
      "usage: npm run backup -- [--dir DIR] [--keep-days N] [--send-to-office]   write a checked copy now",
      "       npm run backup -- restore <file>                                    check a copy, then put it in place",
      "                                                                           (stop the gateway first)",
    ].join("\n"),
  );
  process.exit(0);
}
const config = loadConfig();
if (positionals[0] === "restore") process.exit(restoreBackup(config, positionals[1]));
if (positionals.length > 0) {
  console.error(`backup: unknown command ${positionals[0]} (see --help)`);
  process.exit(2);
}
const dbFile = join(config.dataDir, "gateway.sqlite");
if (!existsSync(dbFile)) {
  console.error(`backup: no database at ${dbFile}; nothing to back up`);
  process.exit(1);
}
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

// Never fill the disk: a copy needs about the database's size, and the disk keeps its reserve
// (disk.minFreeMb) for the gateway itself. The previous copies are left as they are.
mkdirSync(dir, { recursive: true });
const databaseBytes = [dbFile, `${dbFile}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
const needed = Math.ceil(databaseBytes * 1.1) + config.disk.minFreeMb * 1024 * 1024;
const fs = statfsSync(dir);
const free = Number(fs.bavail) * Number(fs.bsize);
if (free < needed) {
  const mb = (bytes: number) => `${Math.ceil(bytes / 1024 / 1024)} MB`;
  console.error(
    `backup: not enough free space in ${dir}: a copy needs about ${mb(needed)} (database ${mb(databaseBytes)} plus the ${config.disk.minFreeMb} MB reserve), ${mb(free)} free. Nothing written; the previous copies are kept. Free some space (old backups, journalctl --vacuum-size=100M) and run the backup again.`,
  );
  process.exit(1);
}

const live = openDb(join(config.dataDir, "gateway.sqlite"));
try {
  rmSync(partial, { force: true });
  backupTo(live.sqlite, partial);
} catch (err) {
  // The disk filled up while copying (something else wrote meanwhile): drop the partial copy.
  rmSync(partial, { force: true });
  console.error(
    `backup: the copy could not be written (${(err as Error).message}); nothing kept, the previous copies are kept`,
  );
  process.exit(1);
} finally {
  live.close();
}

const copy = openForeignSqlite(partial, { readonly: true });
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
/** Sends the copy to the office; returns an error text or null. */
async function sendToOffice(office: Config["office"], kioskId: string, file: string): Promise<string | null> {
  if (!office.url || !office.keyId || !office.secret) return "office.url, office.keyId and office.secret are needed";
  const base = new URL(office.url.endsWith("/") ? office.url : `${office.url}/`);
  const local = base.hostname === "127.0.0.1" || base.hostname === "localhost" || base.hostname === "[::1]";
  if (base.protocol !== "https:" && !(base.protocol === "http:" && local))
    return "refusing to send personal data without https";
  const url = new URL(`backups/${file.split("/").pop()}`, base);
  const body = readFileSync(file);
  const headers = signRequest(
    { keyId: office.keyId, secret: office.secret },
    { method: "PUT", pathWithQuery: url.pathname + url.search, body, kioskId },
    Date.now() / 1000,
  );
  try {
    const res = await fetch(url, {
      method: "PUT",
      headers: { ...headers, "content-type": "application/vnd.sqlite3" },
      body,
      signal: AbortSignal.timeout(120_000),
    });
    return res.ok ? null : `office answered ${res.status}`;
  } catch (err) {
    return (err as Error).message;
  }
}

const sendError = values["send-to-office"] ? await sendToOffice(config.office, config.kioskId, target) : null;
console.log(
  JSON.stringify({
    backup: target,
    bytes: statSync(target).size,
    registerEvents: events,
    integrity: "ok",
    removed,
    ...(values["send-to-office"] ? { sentToOffice: sendError === null, ...(sendError ? { sendError } : {}) } : {}),
  }),
);
if (sendError) {
  console.error(`backup: kept locally, but sending it to the office failed: ${sendError}`);
  process.exit(1);
}
