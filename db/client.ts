/**
 * The one place that opens SQLite. bun:sqlite is imported here and in the entry point only.
 */
import { Database } from "bun:sqlite";
import { closeSync, existsSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { makePrivate, PRIVATE_FILE_MODE, privateDir } from "./privateFiles.ts";
import * as schema from "./schema/index.ts";

export { schema };

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "migrations");

export type Db = ReturnType<typeof drizzle<typeof schema>>;

export interface OpenedDb {
  db: Db;
  /** Raw bun:sqlite handle, for benchmarks, backups and integrity checks. */
  sqlite: Database;
  close(): void;
}

/** Opens (creating if needed) the database, applies pragmas and runs committed migrations. */
export function openDb(file: string): OpenedDb {
  if (file !== ":memory:") createPrivately(file);
  const sqlite = new Database(file, { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  // SQLite gives -wal and -shm the database file's mode; these fix files an older version left.
  if (file !== ":memory:") makePrivate(file, `${file}-wal`, `${file}-shm`);
  sqlite.exec("PRAGMA synchronous = FULL");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  return {
    db,
    sqlite,
    close() {
      try {
        sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch {
        // a read-only or already-closed handle has nothing to checkpoint
      }
      sqlite.close();
    },
  };
}

/**
 * The database file is created 0600 (SQLite would use 0644 minus the umask) in a 0700 directory
 * before SQLite opens it; its -wal and -shm files then inherit the mode.
 */
function createPrivately(file: string): void {
  privateDir(dirname(file));
  if (!existsSync(file)) closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  makePrivate(file);
}

/**
 * Opens an SQLite file another program owns (gammu-smsd's SQL service database): no migrations,
 * WAL so our reads never block the daemon, and a busy timeout for the short writes we make.
 */
export function openForeignSqlite(file: string, options: { readonly?: boolean } = {}): Database {
  const sqlite = options.readonly
    ? new Database(file, { readonly: true, strict: true })
    : new Database(file, { create: true, strict: true });
  sqlite.exec("PRAGMA busy_timeout = 5000");
  if (!options.readonly) sqlite.exec("PRAGMA journal_mode = WAL");
  return sqlite;
}

export type ForeignSqlite = Database;

/** `PRAGMA integrity_check`: "ok" or the first problems SQLite reports. */
export function integrityCheck(sqlite: Database): string {
  const rows = sqlite.query("PRAGMA integrity_check").all() as Array<{ integrity_check: string }>;
  return rows.map((r) => r.integrity_check).join("; ");
}

/** Online backup into `target` with VACUUM INTO (consistent even while the gateway writes). */
export function backupTo(sqlite: Database, target: string): void {
  // VACUUM INTO writes into an existing empty file, so the copy is private from its first byte.
  createPrivately(target);
  sqlite.query("VACUUM INTO ?").run(target);
}

type DbOrTx = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

/** `build(db)` made once per database handle and kept with it (for prepared statements). */
export function perDatabase<T>(build: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = build(db);
      made.set(db, value);
    }
    return value;
  };
}

/**
 * A raw statement on drizzle's own connection (so it runs inside the caller's transaction), for
 * the hot paths that skip drizzle's query building and row mapping: the register append and
 * derivation, the office's page of register events, the outbox claim and group commit (see
 * bench/register.ts, bench/sync.ts, bench/email.ts). bun:sqlite caches the compiled statement per
 * SQL text, so calling this again with the same text costs a lookup. Works on a transaction too.
 */
export function rawStatement(db: DbOrTx, sql: string) {
  const client = (db as Db).$client ?? (db as unknown as { session: { client: Db["$client"] } }).session.client;
  return client.query(sql);
}
