/** `npm run provision`: run as the technician runs it, on a temporary data directory. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../db/client.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
let dir: string;
let dataDir: string;

function provision(...args: string[]) {
  return execa(join(ROOT, "node_modules/.bin/bun"), ["gateway/cli/provision.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir },
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 60_000,
  });
}

function count(sql: string): number {
  const database = openDb(join(dataDir, "gateway.sqlite"));
  try {
    return (database.sqlite.query(sql).get() as { n: number }).n;
  } finally {
    database.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ekor-provision-"));
  dataDir = join(dir, "data");
  const init = await provision("init");
  expect(init.exitCode, init.all).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run provision", () => {
  it("explains itself with --help and refuses unknown commands with exit 2", async () => {
    const help = await provision("--help");
    expect(help.exitCode).toBe(0);
    expect(help.all).toMatch(/office-key add <client>/);
    expect(help.all).toMatch(/owners load <file.csv\|file.json> \[--dry-run\]/);
    const unknown = await provision("office-key", "frobnicate");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.all).toContain("expected add, list, rotate or revoke");
  }, 60_000);

  it("adds an office key and prints its secret once; list never shows it; rotate and revoke", async () => {
    const added = await provision("office-key", "add", "erp", "--name", "System ERP biura");
    expect(added.exitCode, added.all).toBe(0);
    const keyId = /key id: (\S+)/.exec(added.stdout)?.[1] as string;
    const secret = /secret: ([0-9a-f]{64})/.exec(added.stdout)?.[1] as string;
    expect(keyId).toMatch(/^erp-[0-9a-f]{8}$/);
    expect(secret).toBeDefined();

    const list = await provision("office-key", "list");
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${keyId} +System ERP biura .*active`));
    expect(list.stdout).not.toContain(secret);

    const rotated = await provision("office-key", "rotate", keyId);
    expect(rotated.exitCode, rotated.all).toBe(0);
    const newKey = /key id: (\S+)/.exec(rotated.stdout)?.[1] as string;
    expect(newKey).not.toBe(keyId);
    expect(rotated.stdout).toContain(`${keyId} is revoked`);

    const revoked = await provision("office-key", "revoke", newKey);
    expect(revoked.exitCode).toBe(0);
    const again = await provision("office-key", "revoke", newKey);
    expect(again.exitCode).toBe(1);
    expect(again.all).toContain(`no active office key ${newKey}`);
    const after = await provision("office-key", "list");
    expect(after.stdout).toMatch(new RegExp(`${newKey} .*REVOKED`));
  }, 60_000);

  it("loads the owners register from the office's CSV, after a dry run that changes nothing and lists bad rows", async () => {
    const csv = join(dir, "owners.csv");
    writeFileSync(
      csv,
      [
        "building_id,building_address,city,flat_code,staircase,number,verification_code,owner_id,first_name,surname,role",
        "B1,ul. Kelecka 10,Radom,B1-A-1,A,1,123456,P1,Anna,Nowak,owner",
        "B1,ul. Kelecka 10,Radom,B1-A-2,A,2,654321,P2,Jan,Kowalski,owner",
        "B1,ul. Kelecka 10,Radom,B1 A 3,A,3,111111,P3,Ewa,Lis,owner",
      ].join("\n"),
    );
    const dry = await provision("owners", "load", csv, "--dry-run");
    expect(dry.exitCode).toBe(1);
    expect(dry.stdout).toContain("dry run (nothing changed): would load 1 buildings, 2 flats, 3 owners");
    expect(dry.stdout).toMatch(/rejected flats row 3 \(B1 A 3\): code: letters, digits and '-'/);
    expect(dry.stdout).toMatch(/rejected shares row 3 \(B1 A 3\/P3\): flatCode: unknown flat/);
    expect(count("SELECT count(*) AS n FROM owners")).toBe(0);

    const load = await provision("owners", "load", csv);
    expect(load.stdout).toContain("loaded 1 buildings, 2 flats, 3 owners, 2 ownership shares");
    expect(count("SELECT count(*) AS n FROM flats")).toBe(2);

    const missing = await provision("owners", "load", join(dir, "nope.csv"));
    expect(missing.exitCode).toBe(2);
    expect(missing.all).toContain("does not exist");
  }, 60_000);

  it("refuses to work on a data directory without a database, naming init", async () => {
    const result = await execa(
      join(ROOT, "node_modules/.bin/bun"),
      ["gateway/cli/provision.ts", "office-key", "list"],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", DATA_DIR: join(dir, "empty") },
        extendEnv: false,
        reject: false,
        all: true,
      },
    );
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain("npm run provision -- init");
  }, 60_000);
});
