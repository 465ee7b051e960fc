/**
 * The one place that opens SQLite. bun:sqlite is imported here and in the entry point only
 * (the WAL checkpoint thread, db/checkpointThread.ts, opens its connection through here too).
 */
import { Database } from "bun:sqlite";
import { closeSync, existsSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
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
  /** The WAL checkpoint thread, when it was asked for (`openDb(file, { checkpointThread: true })`). */
  checkpoints: CheckpointThread | null;
  close(): void;
}

export interface OpenOptions {
  /**
   * Checkpoint the WAL on a thread of its own (db/checkpointThread.ts) instead of inside the
   * commit that crosses SQLite's 1,000-page threshold on the event loop. The gateway and the
   * benches use it; short-lived tools and tests do not need the thread.
   */
  checkpointThread?: boolean | { everyMs: number };
}

/** WAL frames the checkpoint thread lets wait before it copies them back (SQLite's default threshold). */
export const CHECKPOINT_FRAMES = 1000;
/** The connection's own threshold while the thread runs: only a stalled thread lets the WAL get there. */
export const FALLBACK_CHECKPOINT_PAGES = 4000;

/** Opens (creating if needed) the database, applies pragmas and runs committed migrations. */
export function openDb(file: string, options: OpenOptions = {}): OpenedDb {
  if (file !== ":memory:") createPrivately(file);
  const sqlite = new Database(file, { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  // SQLite gives -wal and -shm the database file's mode; these fix files an older version left.
  if (file !== ":memory:") makePrivate(file, `${file}-wal`, `${file}-shm`);
  sqlite.exec("PRAGMA synchronous = FULL");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  // Savepoint and statement journals in memory: with SQLite's default they spill past 64 KiB into
  // a temporary file, a write() per page first touched. Every nested drizzle transaction is a
  // savepoint; the workers' group commit (recordSent) ran 3x slower for it (bench/email.ts). Only
  // what a rollback to a savepoint needs lives there; a commit's durability is the WAL's.
  sqlite.exec("PRAGMA temp_store = MEMORY");
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  const thread = options.checkpointThread;
  const checkpoints =
    thread && file !== ":memory:" ? new CheckpointThread(file, thread === true ? 100 : thread.everyMs) : null;
  if (checkpoints) sqlite.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
  return {
    db,
    sqlite,
    checkpoints,
    close() {
      checkpoints?.close();
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
 * The main side of db/checkpointThread.ts. The thread looks every `everyMs` and checkpoints once
 * CHECKPOINT_FRAMES wait; `pass()` asks for one now and tells how far the WAL is copied back.
 */
export class CheckpointThread {
  /** The thread's last failure (it goes on trying; the connection's fallback threshold applies meanwhile). */
  lastError: string | null = null;
  private readonly worker: Worker;
  private readonly closed = new Int32Array(new SharedArrayBuffer(4));
  private readonly waiting = new Map<number, (reply: { log: number; checkpointed: number }) => void>();
  private passes = 0;
  private open = true;

  constructor(file: string, everyMs: number) {
    this.worker = new Worker(new URL("./checkpointThread.ts", import.meta.url), {
      workerData: { file, everyMs, frames: CHECKPOINT_FRAMES, closed: this.closed },
    });
    this.worker.unref();
    this.worker.on("message", (msg: { pass: number; log: number; checkpointed: number } | { error: string }) => {
      if ("error" in msg) this.lastError = msg.error;
      else this.waiting.get(msg.pass)?.(msg);
    });
    this.worker.on("error", (err) => {
      this.lastError = err.message;
    });
  }

  pass(): Promise<{ log: number; checkpointed: number }> {
    const pass = ++this.passes;
    return new Promise((resolve) => {
      this.waiting.set(pass, (reply) => {
        this.waiting.delete(pass);
        resolve(reply);
      });
      this.worker.postMessage({ pass });
    });
  }

  /**
   * Closes the thread's connection before the opener's (waits for it, at most a second): a
   * thread ended in the middle of a checkpoint would leave its connection and locks behind.
   */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.worker.postMessage("stop");
    Atomics.wait(this.closed, 0, 0, 1000);
    void this.worker.terminate();
  }
}

/** The checkpoint thread's connection (db/checkpointThread.ts): an existing database, never written. */
export function openCheckpointConnection(file: string): {
  checkpoint(): { log: number; checkpointed: number };
  close(): void;
} {
  const sqlite = new Database(file, { readwrite: true, create: false, strict: true });
  sqlite.exec("PRAGMA busy_timeout = 1000");
  // A checkpoint fsyncs the WAL before and the database file after copying, unless synchronous
  // is OFF: say FULL here as the gateway's connection does, whatever the build's default.
  sqlite.exec("PRAGMA synchronous = FULL");
  const checkpoint = sqlite.query("PRAGMA wal_checkpoint(PASSIVE)");
  return {
    checkpoint() {
      const row = checkpoint.get() as { busy: number; log: number; checkpointed: number };
      return { log: row.log, checkpointed: row.checkpointed };
    },
    close: () => sqlite.close(),
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
