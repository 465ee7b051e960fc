import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { PAPER_HEADER, paperCsv, seedOwners } from "../testing/paperRegister.ts";

const ROOT = join(import.meta.dirname, "../..");
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({}, { demo: false });
  seedOwners(gw.ctx, 3000);
});
afterAll(() => gw.dispose());

function register(...args: string[]) {
  const res = spawnSync(process.execPath, ["gateway/cli/register.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: gw.dataDir, CONFIG_FILE: "", EK__demo: "false", LOG_LEVEL: "silent" },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe("npm run register -- import-paper", () => {
  it("explains itself with --help and exits 0", () => {
    const res = register("import-paper", "--help");
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/received_on/);
    expect(res.stdout).toMatch(/--dry-run/);
  });

  it("exits 2 with a clear message for a missing file or a header without the documented columns", () => {
    const missing = register("import-paper", join(gw.dataDir, "nope.csv"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.csv: ENOENT/);
    const file = join(gw.dataDir, "bad.csv");
    writeFileSync(file, "lokal,email\nB1-1,jan@wp.pl\n");
    const bad = register("import-paper", file);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/lacks column\(s\): flat, owner, channels, received_on, form_reference/);
  });

  it("dry-runs a file with errors row by row and exits 1 without writing", () => {
    const file = join(gw.dataDir, "errors.csv");
    writeFileSync(
      file,
      `${PAPER_HEADER}\nB1-1,O1,jan@wp,,email,2021-10-04,E/1,Kasia\nB1-2,O2,anna@wp.pl,,email,2021-10-04,E/2,Kasia\n`,
    );
    const res = register("import-paper", file, "--dry-run");
    expect(res.status).toBe(1);
    expect(res.stdout).toContain("line 2 (E/1): error: invalid email: domain");
    expect(res.stdout).toContain("2 rows: 1 to import, 0 already in the register, 0 duplicates, 1 with errors");
    expect(res.stdout).toContain("dry run: nothing was written");
    expect(res.stdout).not.toContain("jan@wp");
  });

  it("imports a 3,000-row file showing progress, and a second run changes nothing", () => {
    const file = join(gw.dataDir, "paper-3000.csv");
    writeFileSync(file, paperCsv(3000));
    const first = register("import-paper", file);
    expect(first.stderr).toBe(
      [...Array.from({ length: 10 }, (_, i) => `import-paper: checking ${(i + 1) * 300}/3000 rows (${(i + 1) * 10}%)`)]
        .concat(
          Array.from(
            { length: 6 },
            (_, i) =>
              `import-paper: importing ${Math.min((i + 1) * 500, 3000)}/3000 rows (${Math.round((Math.min((i + 1) * 500, 3000) / 3000) * 100)}%)`,
          ),
        )
        .map((l) => `${l}\n`)
        .join(""),
    );
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("imported 3000 forms as paper_import register events");
    expect(gw.ctx.register.verify()).toMatchObject({ ok: true, events: 3000 });
    const second = register("import-paper", file);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("3000 rows: 0 to import, 3000 already in the register");
    expect(gw.ctx.register.verify()).toMatchObject({ ok: true, events: 3000 });
  }, 120_000);
});
