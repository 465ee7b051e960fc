/** deploy/bin/e-korespondencja-usb-reset on a fake sysfs and /dev (what the root helper touches). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = new URL("bin/e-korespondencja-usb-reset", import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** /sys/class/tty/ttyUSB0/device → the interface 1-1.3:1.0 of the USB device 1-1.3 (12d1:1442). */
function fakeTree() {
  const root = mkdtempSync(join(tmpdir(), "ekor-usbreset-"));
  dirs.push(root);
  const sys = join(root, "sys");
  const usb = join(sys, "devices/platform/scb/usb1/1-1/1-1.3");
  mkdirSync(join(usb, "1-1.3:1.0/ttyUSB0"), { recursive: true });
  writeFileSync(join(usb, "idVendor"), "12d1\n");
  writeFileSync(join(usb, "idProduct"), "1442\n");
  writeFileSync(join(usb, "authorized"), "1\n");
  // Interfaces have an `authorized` file of their own: the helper must go up to the device.
  writeFileSync(join(usb, "1-1.3:1.0/authorized"), "1\n");
  mkdirSync(join(sys, "class/tty/ttyUSB0"), { recursive: true });
  symlinkSync(join(usb, "1-1.3:1.0"), join(sys, "class/tty/ttyUSB0/device"));
  mkdirSync(join(root, "dev"));
  writeFileSync(join(root, "dev/ttyUSB0"), "");
  symlinkSync("ttyUSB0", join(root, "dev/gsm-modem"));
  const request = join(root, "usb-reset.request");
  const env = { SYSFS: sys, DEV_ROOT: root, RESET_PAUSE: "0", PATH: "/usr/bin:/bin" };
  return { usb, request, env };
}

describe("e-korespondencja-usb-reset", () => {
  it("de-authorises and re-authorises the modem's USB device, then removes the request", async () => {
    const { usb, request, env } = fakeTree();
    writeFileSync(request, "/dev/gsm-modem\n");
    const run = await execa(SCRIPT, [request], { env, all: true });
    expect(run.all).toBe("usb-reset: resetting USB device 1-1.3 (12d1:1442) behind /dev/gsm-modem");
    expect(readFileSync(join(usb, "authorized"), "utf8")).toBe("1\n");
    expect(existsSync(request)).toBe(false);
  });

  it("does nothing without a request, and refuses a path outside /dev", async () => {
    const { request, env } = fakeTree();
    expect((await execa(SCRIPT, [request], { env })).exitCode).toBe(0);
    writeFileSync(request, "/etc/passwd\n");
    const run = await execa(SCRIPT, [request], { env, reject: false, all: true });
    expect(run.exitCode).toBe(1);
    expect(run.all).toContain("refusing '/etc/passwd'");
    expect(existsSync(request)).toBe(false);
  });
});
