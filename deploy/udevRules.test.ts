/**
 * The udev rules against devices as `udevadm info` shows them (fixtures under udev/fixtures/,
 * written from the vendors' interface tables): which device gets which name, and that every
 * modem port is hidden from ModemManager.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DEPLOY = new URL(".", import.meta.url).pathname;
const FIXTURES = join(DEPLOY, "udev/fixtures");

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

/** udev patterns: shell glob, with `|` between alternatives. */
function glob(pattern: string, value: string): boolean {
  return pattern.split("|").some((alt) => {
    const re = alt
      .replace(/[.+^${}()\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    return new RegExp(`^${re}$`).test(value);
  });
}

/** Match keys of a device; SYMLINK (the names earlier rules gave) and TEST (files that exist) are lists. */
type Device = Record<string, string | string[]>;

function apply(rules: Rule[], device: Device): { names: string[]; env: Record<string, string> } {
  const names: string[] = [];
  const env: Record<string, string> = {};
  for (const rule of rules) {
    const matches = rule
      .filter((p) => p.op === "==" || p.op === "!=")
      .every((p) => {
        const have = device[p.key] ?? "";
        const hit = Array.isArray(have) ? have.some((v) => glob(p.value, v)) : glob(p.value, have);
        return hit === (p.op === "==");
      });
    if (!matches) continue;
    for (const p of rule) {
      if (p.key === "SYMLINK" && p.op === "+=") names.push(p.value);
      const envKey = /^ENV\{(\w+)\}$/.exec(p.key)?.[1];
      if (envKey && p.op === "=") env[envKey] = p.value;
    }
  }
  return { names, env };
}

/** `udevadm info /dev/ttyUSB0` output → the keys a rule matches on. */
function fromUdevadmInfo(text: string, existingFiles: string[] = []): Device {
  const device: Device = { SYMLINK: [], TEST: existingFiles };
  for (const line of text.split("\n")) {
    const [tag, rest] = [line.slice(0, 1), line.slice(3)];
    if (tag === "P") device.KERNEL = rest.slice(rest.lastIndexOf("/") + 1);
    if (tag === "S") (device.SYMLINK as string[]).push(rest);
    if (tag !== "E") continue;
    const [key, value] = [rest.slice(0, rest.indexOf("=")), rest.slice(rest.indexOf("=") + 1)];
    device[`ENV{${key}}`] = value;
    if (key === "SUBSYSTEM") device.SUBSYSTEM = value;
    // ATTRS{} walks up to the USB device, whose idVendor/idProduct udev also exports as these.
    if (key === "ID_VENDOR_ID") device["ATTRS{idVendor}"] = value;
    if (key === "ID_MODEL_ID") device["ATTRS{idProduct}"] = value;
  }
  return device;
}

const rules = parseRules(readFileSync(join(DEPLOY, "udev/99-e-korespondencja.rules"), "utf8"));
const fixture = (name: string, files: string[] = []) =>
  apply(rules, fromUdevadmInfo(readFileSync(join(FIXTURES, `${name}.udev`), "utf8"), files));
const UART_FLAG = "/etc/e-korespondencja/modem-on-uart";

describe("udev rules (udev/99-e-korespondencja.rules) on udevadm info fixtures", () => {
  it("names the AT port of each modem /dev/gsm-modem, and only that port", () => {
    expect(fixture("e3372h-1442-if00").names).toEqual(["gsm-modem"]); // E3372h after usb_modeswitch
    expect(fixture("e3372h-1442-if02").names).toEqual([]);
    expect(fixture("e3372s-1506-if00").names).toEqual(["gsm-modem"]);
    expect(fixture("sim7600-9001-if02").names).toEqual(["gsm-modem"]);
    // 9011 (RNDIS) shifts the serial interfaces by two: AT is 04, 02 is diagnostics.
    expect(fixture("sim7600-9011-if04").names).toEqual(["gsm-modem"]);
    expect(fixture("sim7600-9011-if02").names).toEqual([]);
    expect(fixture("sim800-ch340").names).toEqual(["gsm-modem"]);
    expect(fixture("e3372h-hilink-14dc").names).toEqual([]); // HiLink: a network card, no AT port
  });

  it("hides every port of a known modem from ModemManager", () => {
    for (const name of readdirSync(FIXTURES).map((f) => f.replace(/\.udev$/, ""))) {
      const { names, env } = fixture(name, [UART_FLAG]);
      if (names.includes("gsm-modem")) expect(env.ID_MM_DEVICE_IGNORE, name).toBe("1");
    }
    // Not the AT port, still a port ModemManager would probe (and lock) on the same stick.
    expect(fixture("e3372h-1442-if02").env.ID_MM_DEVICE_IGNORE).toBe("1");
    expect(fixture("sim7600-9011-if02").env.ID_MM_DEVICE_IGNORE).toBe("1");
  });

  it("names a HAT on the GPIO UART through serial0 only when the technician says one is there", () => {
    expect(fixture("pi4-ttyS0-serial0").names).toEqual([]);
    expect(fixture("pi4-ttyS0-serial0", [UART_FLAG]).names).toEqual(["gsm-modem"]);
    // With Bluetooth on, ttyAMA0 is the Bluetooth UART (serial1): never the modem.
    expect(fixture("pi4-ttyAMA0-bluetooth", [UART_FLAG]).names).toEqual([]);
  });

  it("names the common ESC/POS USB printers /dev/receipt-printer", () => {
    expect(fixture("pos58-lp0").names).toEqual(["receipt-printer"]);
    const lp = (vendor: string, product: string): Device => ({
      SUBSYSTEM: "usbmisc",
      KERNEL: "lp0",
      "ATTRS{idVendor}": vendor,
      "ATTRS{idProduct}": product,
    });
    for (const [vendor, product] of [
      ["04b8", "0e15"], // Epson TM-T20II
      ["0416", "5011"], // POS58/Xprinter
      ["0483", "5720"],
      ["1fc9", "2016"],
    ]) {
      expect(apply(rules, lp(vendor, product)).names, `${vendor}:${product}`).toEqual(["receipt-printer"]);
    }
    expect(apply(rules, lp("046d", "c52b")).names).toEqual([]);
    // Star TSP100 speaks only Star's raster commands: not named, not supported.
    expect(apply(rules, lp("0519", "0003")).names).toEqual([]);
  });

  it("gives every named device a group the services are in", () => {
    for (const rule of rules) {
      const symlink = rule.find((p) => p.key === "SYMLINK" && p.op === "+=")?.value;
      if (!symlink) continue;
      const group = rule.find((p) => p.key === "GROUP")?.value;
      expect(["gsm-modem", "receipt-printer"]).toContain(symlink);
      expect(symlink === "gsm-modem" ? "dialout" : "lp").toBe(group);
    }
  });
});
