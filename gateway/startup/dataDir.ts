/**
 * The data directory's safety rules: the gateway never silently creates a new database where one
 * existed. A first start needs an explicit `init` (the installer runs it; the demo does it itself
 * on an empty directory); a missing database next to a kiosk key or backups names the restore
 * command; a corrupt one gets a plain message instead of a stack trace.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { integrityCheck, openDb, openForeignSqlite } from "../../db/client.ts";
import type { Config } from "../config.ts";
import { KEY_FILE } from "../receipts/kioskKey.ts";
import { StartupError } from "./startupError.ts";

export const DB_FILE = "gateway.sqlite";
export const INIT_COMMAND = "npm run provision -- init";
export const RESTORE_COMMAND = "npm run backup -- restore <file>";
const BACKUP = /^gateway-\d{8}T\d{6}Z\.sqlite$/;

export function databaseFile(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, DB_FILE);
}

/** Backups in `<dataDir>/backups`, newest last. */
export function listBackups(config: Pick<Config, "dataDir">): string[] {
  const dir = join(config.dataDir, "backups");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => BACKUP.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** What says this directory has had a gateway before: its kiosk key or its backups. */
function traces(config: Pick<Config, "dataDir">): string[] {
  const found: string[] = [];
  if (existsSync(join(config.dataDir, "keys", KEY_FILE))) found.push(`the kiosk signing key (keys/${KEY_FILE})`);
  const backups = listBackups(config);
  if (backups.length > 0) found.push(`${backups.length} backup(s) in backups/`);
  return found;
}

/** An empty directory: nothing but an optional config.json. */
function isEmpty(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).every((n) => n === "config.json");
}

/**
 * Throws a StartupError unless the database can be opened as it is. In the demo an empty data
 * directory is initialised on the spot (`npm start` on a fresh machine).
 */
export function assertDataDirReady(config: Config): void {
  const file = databaseFile(config);
  if (!existsSync(file)) {
    if (config.demo && isEmpty(config.dataDir)) {
      initDataDir(config);
      return;
    }
    const seen = traces(config);
    if (seen.length > 0) {
      const newest = listBackups(config).at(-1);
      throw new StartupError(
        "DATABASE_MISSING",
        `the database ${file} is missing, but this data directory has ${seen.join(" and ")}: ` +
          "a new empty database would restart the register and the receipt numbers. Restore the newest backup: " +
          `${RESTORE_COMMAND.replace("<file>", newest ?? "<file>")} (or copy gateway.sqlite back), then start again`,
      );
    }
    throw new StartupError(
      "NOT_INITIALISED",
      `no database in ${config.dataDir}: a first start needs \`${INIT_COMMAND}\` (the installer runs it; \`npm start\` is the demo)`,
    );
  }
  const verdict = checkReadable(file);
  if (verdict !== "ok") {
    const newest = listBackups(config).at(-1);
    throw new StartupError(
      "DATABASE_CORRUPT",
      `the database ${file} is damaged (${verdict}). Keep the damaged file for investigation (do not delete it), ` +
        `then restore the newest backup: ${RESTORE_COMMAND.replace("<file>", newest ?? "<file>")}`,
    );
  }
}

function checkReadable(file: string): string {
  try {
    const sqlite = openForeignSqlite(file, { readonly: true });
    try {
      return integrityCheck(sqlite);
    } finally {
      sqlite.close();
    }
  } catch (err) {
    return (err as Error).message;
  }
}

/** Creates the database (committed migrations). Refuses where a database existed before. */
export function initDataDir(config: Pick<Config, "dataDir">): { created: boolean; file: string } {
  const file = databaseFile(config);
  if (existsSync(file)) return { created: false, file };
  const seen = traces(config);
  if (seen.length > 0) {
    throw new StartupError(
      "DATABASE_MISSING",
      `${config.dataDir} already has ${seen.join(" and ")}: restore its database with ${RESTORE_COMMAND} instead of creating a new one`,
    );
  }
  openDb(file).close();
  return { created: true, file };
}
