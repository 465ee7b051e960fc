/** shellcheck on every deploy script and the screen-blanking script (udev rules: udevRules.test.ts). */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
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

describe("wake on touch (kiosk/screen.sh)", () => {
  const screen = join(DEPLOY, "kiosk/screen.sh");
  const event = (type: number, code: number, value: number) => {
    // struct input_event on 64-bit: timeval (2 × 8 bytes), type u16, code u16, value s32.
    const b = Buffer.alloc(24);
    b.writeBigInt64LE(1_700_000_000n, 0);
    b.writeUInt16LE(type, 16);
    b.writeUInt16LE(code, 18);
    b.writeInt32LE(value, 20);
    return b;
  };

  it("reads 24-byte events on a 64-bit system", async () => {
    const bits = (await execa("getconf", ["LONG_BIT"])).stdout.trim();
    expect((await execa(screen, ["event-size"])).stdout).toBe(bits === "64" ? "24" : "16");
  });

  it("wakes on one whole 24-byte touch event fed through a FIFO, not on part of one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-touch-"));
    try {
      const fifo = join(dir, "event0");
      await execa("mkfifo", [fifo]);
      const waiting = execa(screen, ["wait-touch", "10"], {
        reject: false,
        env: { TOUCH_DEVICE: fifo },
      });
      let finished = false;
      void waiting.then(() => {
        finished = true;
      });
      const touch = event(3, 0x35, 400); // EV_ABS ABS_MT_POSITION_X
      const writer = await open(fifo, "w");
      await writer.write(touch.subarray(0, 16));
      await new Promise((r) => setTimeout(r, 400));
      // 16 bytes (what bs=16 would have taken for a whole event) do not wake the screen.
      expect(finished).toBe(false);
      await writer.write(touch.subarray(16));
      const done = await waiting;
      await writer.close();
      expect(done.exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("waits the whole time on a device it cannot read instead of spinning", async () => {
    const started = Date.now();
    const run = await execa(screen, ["wait-touch", "2"], {
      reject: false,
      env: { TOUCH_DEVICE: "/nonexistent/event9" },
    });
    expect(run.exitCode).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it("picks the input device udev marks as a touchscreen, not the first one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-input-"));
    try {
      mkdirSync(join(dir, "input"));
      mkdirSync(join(dir, "bin"));
      for (const name of ["event0", "event1", "event2"]) writeFileSync(join(dir, "input", name), "");
      // A stand-in for `udevadm info --query=property --name=DEV`: a keyboard, a touchscreen, a button.
      writeFileSync(
        join(dir, "bin/udevadm"),
        `#!/bin/sh
case "$*" in
  *event0) printf 'ID_INPUT=1\nID_INPUT_KEYBOARD=1\n' ;;
  *event1) printf 'ID_INPUT=1\nID_INPUT_TOUCHSCREEN=1\n' ;;
  *) printf 'ID_INPUT=1\nID_INPUT_KEY=1\n' ;;
esac
`,
        { mode: 0o755 },
      );
      const run = await execa(screen, ["touch-device"], {
        env: { INPUT_DIR: join(dir, "input"), PATH: `${join(dir, "bin")}:/usr/bin:/bin` },
      });
      expect(run.stdout).toBe(join(dir, "input/event1"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
