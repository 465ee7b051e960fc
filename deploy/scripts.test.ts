/** shellcheck on every deploy script, the screen-blanking script, and the udev rules' device table. */
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

/** A small reading of udev's rule syntax: enough to check which device gets which name. */
type Rule = Array<{ key: string; op: string; value: string }>;

function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const pairs = line.split(/,\s*/).map((part) => {
      const m = /^([A-Z_]+(?:\{[A-Za-z_]+\})?)(==|!=|\+=|=)"([^"]*)"$/.exec(part.trim());
      if (!m) throw new Error(`unparsable udev rule part: ${part}`);
      return { key: m[1], op: m[2], value: m[3] };
    });
    rules.push(pairs);
  }
  return rules;
}

function glob(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(value);
}

function namesFor(rules: Rule[], device: Record<string, string>): string[] {
  const names: string[] = [];
  for (const rule of rules) {
    const matches = rule
      .filter((p) => p.op === "==" || p.op === "!=")
      .every((p) => glob(p.value, device[p.key] ?? "") === (p.op === "=="));
    if (matches) names.push(...rule.filter((p) => p.key === "SYMLINK").map((p) => p.value));
  }
  return names;
}

describe("udev rules (udev/99-e-korespondencja.rules)", () => {
  const rules = parseRules(readFileSync(join(DEPLOY, "udev/99-e-korespondencja.rules"), "utf8"));
  const tty = (vendor: string, product: string, iface: string, kernel = "ttyUSB0") => ({
    SUBSYSTEM: "tty",
    KERNEL: kernel,
    "ATTRS{idVendor}": vendor,
    "ATTRS{idProduct}": product,
    "ENV{ID_USB_INTERFACE_NUM}": iface,
  });
  const lp = (vendor: string, product: string) => ({
    SUBSYSTEM: "usbmisc",
    KERNEL: "lp0",
    "ATTRS{idVendor}": vendor,
    "ATTRS{idProduct}": product,
  });

  it("every rule gives a stable name with a group the services are in", () => {
    for (const rule of rules) {
      const symlink = rule.find((p) => p.key === "SYMLINK")?.value;
      const group = rule.find((p) => p.key === "GROUP")?.value;
      expect(["gsm-modem", "receipt-printer"]).toContain(symlink);
      expect(symlink === "gsm-modem" ? "dialout" : "lp").toBe(group);
    }
  });

  it("names the AT port of the common modems /dev/gsm-modem, and only that port", () => {
    expect(namesFor(rules, tty("12d1", "1506", "00"))).toEqual(["gsm-modem"]); // Huawei E3372 (serial mode)
    expect(namesFor(rules, tty("12d1", "1506", "02"))).toEqual([]);
    expect(namesFor(rules, tty("1e0e", "9001", "02"))).toEqual(["gsm-modem"]); // SIM7600
    expect(namesFor(rules, tty("1e0e", "9001", "03"))).toEqual([]);
    expect(namesFor(rules, tty("1a86", "7523", "00"))).toEqual(["gsm-modem"]); // SIM800 via CH340
    expect(namesFor(rules, tty("10c4", "ea60", "00"))).toEqual(["gsm-modem"]); // SIM800 via CP2102
    expect(namesFor(rules, tty("12d1", "14dc", "00"))).toEqual([]); // E3372 in HiLink mode: no AT port
  });

  it("names the common ESC/POS USB printers /dev/receipt-printer", () => {
    for (const [vendor, product] of [
      ["04b8", "0e15"], // Epson TM-T20II
      ["0416", "5011"], // POS58/Xprinter
      ["0483", "5720"],
      ["1fc9", "2016"],
      ["0519", "0003"], // Star TSP100
    ]) {
      expect(namesFor(rules, lp(vendor, product)), `${vendor}:${product}`).toEqual(["receipt-printer"]);
    }
    expect(namesFor(rules, lp("046d", "c52b"))).toEqual([]);
  });
});
