/**
 * A throwaway PostgreSQL server for tests and the bench: initdb in a fresh temp directory, run as
 * the `postgres` system user (the server refuses to run as root), listening on 127.0.0.1 on a free
 * port, stopped and deleted by `stop()`.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../gateway/testing/local.ts";

export { freePort };

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

export interface TestPostgres {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  /** The same, synchronously (for process exit handlers). */
  stopNow(): void;
}

function systemUser(name: string): { uid: number; gid: number } {
  const found = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const group = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (found.status !== 0)
    throw new Error(`system user ${name} is missing: install the postgresql package (deploy/dev/test-prereqs.sh)`);
  return { uid: Number(found.stdout.trim()), gid: Number(group.stdout.trim()) };
}

function asPostgres(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const asRoot = process.getuid?.() === 0;
  const [command, ...rest] = asRoot ? ["runuser", "-u", "postgres", "--", ...args] : args;
  const run = spawnSync(command, rest, { encoding: "utf8" });
  return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
}

/**
 * The temp root the server's user can enter: os.tmpdir() normally; when that is closed to other
 * users (a root-only /tmp), /var/tmp or /dev/shm.
 */
function reachableTempRoot(): string {
  if (process.getuid?.() !== 0) return tmpdir();
  for (const root of [tmpdir(), "/var/tmp", "/dev/shm"]) {
    if (asPostgres(["test", "-w", root, "-a", "-x", root]).status === 0) return root;
  }
  throw new Error(`the postgres user can write to none of ${tmpdir()}, /var/tmp, /dev/shm`);
}

/**
 * Starts a private server; `options.fsync` off makes tests faster (the bench keeps it on).
 * `options.settings` adds server settings, e.g. ["shared_preload_libraries=pg_stat_statements"].
 */
export async function startTestPostgres(options: { fsync?: boolean; settings?: string[] } = {}): Promise<TestPostgres> {
  if (!existsSync(join(POSTGRES_BIN, "initdb"))) {
    throw new Error(
      `PostgreSQL binaries not found in ${POSTGRES_BIN}: install postgresql (deploy/dev/test-prereqs.sh)`,
    );
  }
  const dir = mkdtempSync(join(reachableTempRoot(), "ekor-pg-"));
  const data = join(dir, "data");
  if (process.getuid?.() === 0) {
    const { uid, gid } = systemUser("postgres");
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const init = asPostgres([
    join(POSTGRES_BIN, "initdb"),
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    `-c fsync=${options.fsync === false ? "off" : "on"}`,
    "-c max_connections=200",
    ...(options.settings ?? []).map((setting) => `-c ${setting}`),
  ].join(" ");
  const start = asPostgres([
    join(POSTGRES_BIN, "pg_ctl"),
    "-D",
    data,
    "-o",
    settings,
    "-l",
    join(dir, "log"),
    "-w",
    "start",
  ]);
  if (start.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`postgres did not start: ${start.stderr || start.stdout}`);
  }
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    asPostgres([join(POSTGRES_BIN, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stopNow,
    async stop() {
      stopNow();
    },
  };
}

/** Creates a database on the server and returns its URL. */
export async function createDatabase(server: TestPostgres, name: string): Promise<string> {
  const created = asPostgres([
    join(POSTGRES_BIN, "createdb"),
    "-h",
    "127.0.0.1",
    "-p",
    String(server.port),
    "-U",
    "postgres",
    name,
  ]);
  if (created.status !== 0) throw new Error(`createdb ${name} failed: ${created.stderr}`);
  return `postgres://postgres@127.0.0.1:${server.port}/${name}`;
}
