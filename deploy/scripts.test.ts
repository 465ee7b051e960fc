/** shellcheck on every deploy script and the screen-blanking script (udev rules: udevRules.test.ts). */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const DEPLOY = new URL(".", import.meta.url).pathname;

function shellScripts(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...shellScripts(path));
    else if (readFileSync(path, "utf8").startsWith("#!/usr/bin/env bash") || entry.name.endsWith(".sh")) out.push(path);
  }
  return out;
}

describe("deploy scripts", () => {
  const scripts = shellScripts(DEPLOY);

  it("finds the scripts it must check", () => {
    const names = scripts.map((s) => relative(DEPLOY, s));
    for (const expected of ["install.sh", "kiosk/chromium.sh", "kiosk/screen.sh", "bin/e-korespondencja-doctor"]) {
      expect(names).toContain(expected);
    }
  });

  it("passes shellcheck, every one of them", async () => {
    const run = await execa("shellcheck", ["--severity=style", ...scripts], { reject: false, all: true });
    expect(run.all).toBe("");
    expect(run.exitCode).toBe(0);
  });

  it("are executable and stop on errors (set -euo pipefail)", () => {
    for (const script of scripts) {
      expect(statSync(script).mode & 0o100, relative(DEPLOY, script)).toBe(0o100);
      expect(readFileSync(script, "utf8"), relative(DEPLOY, script)).toMatch(/^set -euo pipefail$/m);
    }
  });
});

describe("screen blanking (kiosk/screen.sh)", () => {
  const screen = join(DEPLOY, "kiosk/screen.sh");
  const night = async (at: string, env: Record<string, string> = {}) =>
    (await execa(screen, ["is-night", at], { reject: false, env })).exitCode === 0;

  it("is dark between SCREEN_OFF_AT and SCREEN_ON_AT, across midnight", async () => {
    expect(await night("21:59")).toBe(false);
    expect(await night("22:00")).toBe(true);
    expect(await night("00:30")).toBe(true);
    expect(await night("05:59")).toBe(true);
    expect(await night("06:00")).toBe(false);
    expect(await night("13:00", { SCREEN_OFF_AT: "12:00", SCREEN_ON_AT: "14:00" })).toBe(true);
    expect(await night("03:00", { SCREEN_OFF_AT: "00:00", SCREEN_ON_AT: "00:00" })).toBe(false);
  });

  it("switches the touchscreen's backlight off and on", async () => {
    const sys = mkdtempSync(join(tmpdir(), "ekor-backlight-"));
    try {
      mkdirSync(join(sys, "rpi_backlight"));
      writeFileSync(join(sys, "rpi_backlight/bl_power"), "0\n");
      const env = { BACKLIGHT_DIR: sys, PATH: "/usr/bin:/bin" };
      await execa(screen, ["off"], { env });
      expect(readFileSync(join(sys, "rpi_backlight/bl_power"), "utf8").trim()).toBe("1");
      await execa(screen, ["on"], { env });
      expect(readFileSync(join(sys, "rpi_backlight/bl_power"), "utf8").trim()).toBe("0");
    } finally {
      rmSync(sys, { recursive: true, force: true });
    }
  });
});
