/**
 * The PWRKEY power-on step against a modem on a serial pty (socat) that answers AT only once its
 * power key was pulsed by a stand-in `pinctrl`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startPtyBridge } from "../printer/virtual/ptyBridge.ts";
import { powerOnIfSilent } from "./powerKey.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A HAT: answers AT with OK while powered (the marker file exists). */
async function hat(dir: string) {
  const powered = join(dir, "powered");
  const server: Server = createServer((socket) => {
    let line = "";
    socket.on("data", (chunk) => {
      line += chunk.toString("latin1");
      while (line.includes("\r")) {
        const cmd = line.slice(0, line.indexOf("\r"));
        line = line.slice(line.indexOf("\r") + 1);
        if (cmd.trim() === "AT" && existsSync(powered)) socket.write("\r\nOK\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const pty = await startPtyBridge(join(dir, "ttyS0"), (server.address() as { port: number }).port);
  cleanups.push(() => pty.stop());
  // pinctrl set <pin> op dh|dl: "dh" presses PWRKEY (powers the HAT on in this stand-in).
  const pinctrl = join(dir, "pinctrl");
  writeFileSync(
    pinctrl,
    `#!/bin/sh\necho "$*" >> "${dir}/pinctrl.log"\n[ "$4" = dh ] && touch "${powered}"\nexit 0\n`,
    { mode: 0o755 },
  );
  return { device: pty.path, pinctrl, powered, log: () => readFileSync(join(dir, "pinctrl.log"), "utf8") };
}

describe("PWRKEY power-on (sms.powerKey)", () => {
  it("pulses the GPIO pin when the HAT is silent, then finds it answering", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-pwrkey-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const h = await hat(dir);
    const result = await powerOnIfSilent({ device: h.device, gpio: 4, pulseMs: 100, bootMs: 3000, pinctrl: h.pinctrl });
    expect(result).toBe("powered_on");
    expect(h.log()).toBe("set 4 op dh\nset 4 op dl\n");
  }, 20_000);

  it("leaves a modem that already answers alone (a pulse would switch it off)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-pwrkey-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const h = await hat(dir);
    writeFileSync(h.powered, "");
    expect(await powerOnIfSilent({ device: h.device, gpio: 4, pulseMs: 100, bootMs: 3000, pinctrl: h.pinctrl })).toBe(
      "answering",
    );
    expect(existsSync(join(dir, "pinctrl.log"))).toBe(false);
  }, 20_000);
});
