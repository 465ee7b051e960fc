/**
 * Going live on a data directory: first start needs init, a lost or corrupt database names the
 * restore command, the demo's credentials do not outlive the demo, restore checks the copy, and
 * receipt numbers never repeat. Commands are run as the technician runs them (real processes).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { openForeignSqlite } from "../../db/client.ts";
import { ManualClock } from "../clock.ts";
import { validateConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { SAMPLE_INPUT } from "../receipts/fixtures.ts";
import { type Gateway, startGateway } from "../runtime.ts";
import { StartupError } from "./startupError.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const BUN = join(ROOT, "node_modules/.bin/bun");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ekor-golive-"));
  dirs.push(d);
  return d;
}

/** A production configuration file whose devices pass the start-up check (the tests stop before using them). */
function productionConfig(dir: string): string {
  const file = join(dir, "production.json");
  writeFileSync(
    file,
    JSON.stringify({
      sms: { driver: "gammu" },
      email: { driver: "smtp", host: "127.0.0.1", port: 9 },
      printer: { uri: "tcp://127.0.0.1:9" },
    }),
  );
  return file;
}

function run(script: string, args: string[], env: Record<string, string>) {
  return execa(BUN, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 60_000,
  });
}

const startMain = (env: Record<string, string>) => run("gateway/main.ts", [], { PORT: "0", HOST: "127.0.0.1", ...env });
const provision = (dataDir: string, ...args: string[]) => run("gateway/cli/provision.ts", args, { DATA_DIR: dataDir });
const backup = (dataDir: string, ...args: string[]) => run("gateway/cli/backup.ts", args, { DATA_DIR: dataDir });

async function gatewayOn(dataDir: string, demo: boolean): Promise<Gateway> {
  const config = validateConfig({ demo, dataDir, logLevel: "silent" });
  return startGateway(config, { clock: new ManualClock("2026-03-02T10:00:00Z"), logger: createLogger("silent") });
}

/** An enrolment event and its slip, as the kiosk writes them (one transaction). */
function enrolAndIssue(gw: Gateway, flatCode = "KEL10-A-1"): string {
  return gw.ctx.db.transaction((tx) => {
    const event = gw.ctx.register.append(
      tx,
      { type: "enrolled", payload: { email: "anna@example.com", channels: ["email"], consentVersion: "2021-08-v1" } },
      flatCode,
      null,
    );
    return gw.ctx.receipts.issue(tx, { ...SAMPLE_INPUT, flatCode, eventSeq: event.seq, eventHash: event.hash }).number;
  });
}

/** The demo's console login, as the browser sends it. */
async function demoLogin(gw: Gateway): Promise<Response> {
  return gw.officeApp.request("http://127.0.0.1/office/api/login", {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://127.0.0.1", host: "127.0.0.1" },
    body: JSON.stringify({ username: "biuro", password: "nasz-dom-demo" }),
  });
}

describe("first start and a lost database", () => {
  it("refuses a first production start without init, and names the init command", async () => {
    const dir = tempDir();
    const result = await startMain({ DATA_DIR: join(dir, "data"), CONFIG_FILE: productionConfig(dir) });
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain("npm run provision -- init");
    expect(existsSync(join(dir, "data", "gateway.sqlite"))).toBe(false);
  }, 60_000);

  it("creates the database with init, once", async () => {
    const dataDir = join(tempDir(), "data");
    const first = await provision(dataDir, "init");
    expect(first.exitCode, first.all).toBe(0);
    expect(first.all).toContain("created the database");
    const again = await provision(dataDir, "init");
    expect(again.exitCode).toBe(0);
    expect(again.all).toContain("already exists");
  }, 60_000);

  it("refuses to start when the database is gone but the kiosk key is there, and names the restore command", async () => {
    const dir = tempDir();
    const dataDir = join(dir, "data");
    mkdirSync(join(dataDir, "keys"), { recursive: true });
    writeFileSync(join(dataDir, "keys", "kiosk-ed25519.pem"), "a key was here\n");
    const result = await startMain({ DATA_DIR: dataDir, CONFIG_FILE: productionConfig(dir) });
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain("npm run backup -- restore");
    expect(existsSync(join(dataDir, "gateway.sqlite"))).toBe(false);
    // init will not paper over it either
    const init = await provision(dataDir, "init");
    expect(init.exitCode).toBe(1);
    expect(init.all).toContain("npm run backup -- restore");
  }, 60_000);

  it("says what to do with a corrupt database, without a stack trace", async () => {
    const dir = tempDir();
    const dataDir = join(dir, "data");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "gateway.sqlite"), Buffer.alloc(8192, 0x5a));
    const result = await startMain({ DATA_DIR: dataDir, CONFIG_FILE: productionConfig(dir) });
    expect(result.exitCode).toBe(2);
    expect(result.all).toMatch(/database .* is damaged/);
    expect(result.all).toContain("npm run backup -- restore");
    expect(result.all).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe("leaving the demo", () => {
  it("refuses production while the demo's key, login and owners exist, until purge-demo removes them", async () => {
    const dataDir = join(tempDir(), "data");
    const demo = await gatewayOn(dataDir, true);
    expect((await demoLogin(demo)).status).toBe(200);
    await demo.stop();

    const refused = gatewayOn(dataDir, false);
    await expect(refused).rejects.toBeInstanceOf(StartupError);
    await expect(refused).rejects.toThrow(
      /demo office key demo-office.*demo staff login biuro.*owners of the demo.*npm run provision -- purge-demo/,
    );

    const purge = await provision(dataDir, "purge-demo");
    expect(purge.exitCode, purge.all).toBe(0);
    const production = await gatewayOn(dataDir, false);
    try {
      const login = await demoLogin(production);
      expect(login.status).toBe(401);
      const keys = await provision(dataDir, "office-key", "list");
      expect(keys.all).toMatch(/demo-office .*REVOKED/);
    } finally {
      await production.stop();
    }
  }, 90_000);

  it("refuses to purge a demo that was used (its register events stay) and says how to start a new register", async () => {
    const dataDir = join(tempDir(), "data");
    const demo = await gatewayOn(dataDir, true);
    enrolAndIssue(demo);
    await demo.stop();
    const purge = await provision(dataDir, "purge-demo");
    expect(purge.exitCode).toBe(1);
    expect(purge.all).toContain("init --force-new");
  }, 90_000);
});

describe("restore", () => {
  it("restore drill: back up, lose the database, restore; the chain verifies and receipt numbers continue", async () => {
    const dataDir = join(tempDir(), "data");
    let gw = await gatewayOn(dataDir, true);
    const before = [enrolAndIssue(gw, "KEL10-A-1"), enrolAndIssue(gw, "KEL10-A-2")];
    await gw.stop();
    const copy = await backup(dataDir);
    expect(copy.exitCode, copy.all).toBe(0);
    const file = JSON.parse(copy.stdout).backup as string;
    gw = await gatewayOn(dataDir, true);
    const after = enrolAndIssue(gw, "KEL10-A-3"); // issued after the backup: lost with the database
    await gw.stop();
    expect([...before, after]).toEqual(["K1-000001", "K1-000002", "K1-000003"]);

    for (const f of readdirSync(dataDir).filter((n) => n.startsWith("gateway.sqlite"))) rmSync(join(dataDir, f));
    const refused = await startMain({ DATA_DIR: dataDir, CONFIG_FILE: productionConfig(join(dataDir, "..")) });
    expect(refused.exitCode).toBe(2);
    expect(refused.all).toContain(`npm run backup -- restore ${file}`);

    const restored = await backup(dataDir, "restore", file);
    expect(restored.exitCode, restored.all).toBe(0);
    const verify = await run("gateway/cli/register.ts", ["verify"], { DATA_DIR: dataDir });
    expect(verify.exitCode, verify.all).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, events: 2 });

    gw = await gatewayOn(dataDir, true);
    try {
      expect(enrolAndIssue(gw, "KEL10-A-4")).toBe("K1-000004");
    } finally {
      await gw.stop();
    }
  }, 120_000);

  it("never reissues a receipt number on a recreated database under the same kiosk key", async () => {
    const dataDir = join(tempDir(), "data");
    let gw = await gatewayOn(dataDir, true);
    const issued = [enrolAndIssue(gw), enrolAndIssue(gw)];
    await gw.stop();
    for (const f of readdirSync(dataDir).filter((n) => n.startsWith("gateway.sqlite"))) rmSync(join(dataDir, f));
    const init = await provision(dataDir, "init", "--force-new");
    expect(init.exitCode, init.all).toBe(0);
    gw = await gatewayOn(dataDir, true);
    try {
      const next = enrolAndIssue(gw);
      expect(issued).toEqual(["K1-000001", "K1-000002"]);
      expect(next).toBe("K1-000003");
    } finally {
      await gw.stop();
    }
  }, 90_000);

  it("checks the copy before replacing anything: a damaged copy or a broken chain is refused", async () => {
    const dataDir = join(tempDir(), "data");
    const gw = await gatewayOn(dataDir, true);
    enrolAndIssue(gw);
    await gw.stop();
    const good = JSON.parse((await backup(dataDir)).stdout).backup as string;

    const garbage = join(dataDir, "..", "garbage.sqlite");
    writeFileSync(garbage, Buffer.alloc(8192, 0x41));
    const damaged = await backup(dataDir, "restore", garbage);
    expect(damaged.exitCode).toBe(1);
    expect(damaged.all).toMatch(/integrity_check.*nothing was replaced/);

    const tampered = join(dataDir, "..", "tampered.sqlite");
    writeFileSync(tampered, Buffer.alloc(0));
    rmSync(tampered);
    const sqlite = openForeignSqlite(good);
    sqlite.exec(`VACUUM INTO '${tampered}'`);
    sqlite.close();
    const t = openForeignSqlite(tampered);
    t.exec(`UPDATE register_events SET payload = replace(payload, 'anna@', 'eve@')`);
    t.close();
    const broken = await backup(dataDir, "restore", tampered);
    expect(broken.exitCode).toBe(1);
    expect(broken.all).toMatch(/broken register chain.*nothing was replaced/);

    const help = await backup(dataDir, "--help");
    expect(help.exitCode).toBe(0);
    expect(help.all).toContain("restore <file>");
  }, 90_000);
});
