import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TimeSync } from "./timeSync.ts";

let run: string;
beforeEach(() => {
  run = mkdtempSync(join(tmpdir(), "ekor-run-"));
});
afterEach(() => rmSync(run, { recursive: true, force: true }));

const booted = () => mkdirSync(join(run, "systemd", "system"), { recursive: true });

describe("clock synchronisation", () => {
  it("trusts the clock outside systemd (development, tests)", async () => {
    const sync = new TimeSync({ runDir: run, timedatectl: async () => "no" });
    expect(await sync.check()).toEqual({ synchronized: true, source: "not-systemd" });
    expect(sync.synchronized).toBe(true);
  });

  it("under systemd waits until timesyncd has synchronised, then stays synchronised", async () => {
    booted();
    const sync = new TimeSync({ runDir: run, timedatectl: async () => "no" });
    expect(await sync.check()).toEqual({ synchronized: false, source: "timedatectl" });
    expect(sync.synchronized).toBe(false);
    mkdirSync(join(run, "systemd", "timesync"), { recursive: true });
    writeFileSync(join(run, "systemd", "timesync", "synchronized"), "");
    expect(await sync.check()).toEqual({ synchronized: true, source: "timesyncd" });
    rmSync(join(run, "systemd", "timesync"), { recursive: true });
    expect(sync.synchronized).toBe(true);
  });

  it("accepts the kernel's word through timedatectl (chrony, ntpd)", async () => {
    booted();
    let answer: string | null = null;
    const sync = new TimeSync({ runDir: run, timedatectl: async () => answer });
    expect(await sync.check()).toEqual({ synchronized: false, source: "unknown" });
    answer = "yes";
    expect(await sync.check()).toEqual({ synchronized: true, source: "timedatectl" });
  });
});
