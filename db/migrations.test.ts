import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const drizzleKit = join(root, "node_modules/drizzle-kit/bin.cjs");
const work = mkdtempSync(join(tmpdir(), "ekor-drift-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const kit = (...args: string[]) => spawnSync("node", [drizzleKit, ...args], { cwd: root, encoding: "utf8" });

describe("migrations and schema", () => {
  it("are consistent with each other (drizzle-kit check)", () => {
    const out = kit("check");
    expect(out.status, out.stderr + out.stdout).toBe(0);
    expect(out.stdout).toContain("Everything's fine");
  });

  it("do not drift: generating from the schema against the committed migrations adds nothing", () => {
    const copy = join(work, "migrations");
    cpSync(join(root, "db/migrations"), copy, { recursive: true });
    const before = readdirSync(copy).sort();
    // drizzle-kit takes --out relative to the working directory
    const out = kit(
      "generate",
      "--dialect",
      "sqlite",
      "--schema",
      "./db/schema/index.ts",
      "--out",
      relative(root, copy),
    );
    expect(out.status, out.stderr + out.stdout).toBe(0);
    expect(out.stdout).toContain("No schema changes");
    expect(readdirSync(copy).sort()).toEqual(before);
  });
});
