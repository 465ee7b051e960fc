/**
 * The pinned Bun must run on the Pi's CPUs. Bun's arm64 builds have shipped regressions that die
 * with "Illegal instruction" on Cortex-A72 (Pi 4) and Cortex-A53 (Pi 3, Zero 2 W); this runs the
 * gateway's self-check with the exact `@oven/bun-linux-aarch64` binary that `npm ci` installs on
 * the Pi, under qemu's model of each core. A Bun upgrade that cannot run there fails here.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lseCanaryElf } from "./arm64Canary.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SYSROOT = "/usr/aarch64-linux-gnu";
const CPUS = ["cortex-a72", "cortex-a53"] as const;
const pinned: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).dependencies.bun;

let dir: string;
let bun: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ekor-bun-arm64-"));
  // One download per run, from the npm registry only.
  await execa("npm", ["pack", "--silent", `@oven/bun-linux-aarch64@${pinned}`], { cwd: dir });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack @oven/bun-linux-aarch64@${pinned} produced no tarball`);
  execFileSync("tar", ["-xzf", tarball, "package/bin/bun"], { cwd: dir });
  bun = join(dir, "package", "bin", "bun");
  chmodSync(bun, 0o755);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function qemu(cpu: string, program: string, args: string[], cwd: string) {
  return execa("qemu-aarch64", ["-L", SYSROOT, "-cpu", cpu, program, ...args], {
    cwd,
    reject: false,
    all: true,
    timeout: 120_000,
  });
}

describe("Bun on the Raspberry Pi's CPUs (qemu-aarch64)", () => {
  it("pins Bun to an exact version", () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("qemu enforces the CPU model: an ARMv8.1 instruction dies on the Pi's cores", async () => {
    const canary = join(dir, "lse-canary");
    writeFileSync(canary, lseCanaryElf(), { mode: 0o755 });
    expect((await qemu("max", canary, [], dir)).exitCode).toBe(0);
    for (const cpu of CPUS) {
      const run = await qemu(cpu, canary, [], dir);
      expect(run.exitCode, `${cpu}: ${run.all}`).not.toBe(0);
      expect(run.all).toMatch(/Illegal instruction/);
    }
  });

  for (const cpu of CPUS) {
    it(`runs the gateway self-check with Bun ${pinned} on ${cpu}`, async () => {
      const run = await qemu(cpu, bun, ["gateway/cli/selfcheck.ts", "--json"], ROOT);
      const line = run.stdout.split("\n").find((l) => l.startsWith("{"));
      expect(
        line,
        `no self-check report; exit ${run.exitCode}${run.signal ? ` ${run.signal}` : ""}: ${run.all}`,
      ).toBeDefined();
      const report = JSON.parse(line as string) as {
        ok: boolean;
        bun: string;
        arch: string;
        results: Array<{ name: string; ok: boolean; detail: string }>;
      };
      expect(report.arch).toBe("arm64");
      expect(report.bun).toBe(pinned);
      expect(report.results.map((r) => r.name)).toEqual([
        "migrations",
        "register chain",
        "receipt signature",
        "healthz",
      ]);
      expect(report.results.filter((r) => !r.ok)).toEqual([]);
      expect(run.exitCode).toBe(0);
    }, 240_000);
  }
});
