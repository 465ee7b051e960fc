import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GammuSupervisor, isPinRefusal } from "./supervisor.ts";

/**
 * The supervisor is tested with small stand-in daemons (shell scripts that behave like
 * gammu-smsd does: log to stderr, crash, or report a refused PIN); the real daemon runs in the
 * SMS contract suite.
 */
let dir: string;
let supervisors: GammuSupervisor[] = [];

function fakeDaemon(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `#!/bin/bash
pidfile="$4"
if [ -e "$pidfile" ]; then echo stale >> "${dir}/starts"; else echo start >> "${dir}/starts"; fi
date +%s%N >> "${dir}/times"
echo $$ > "$pidfile"
echo "gammu-smsd[$$]: Connected to Database sqlite3: smsd.sqlite on localhost" >&2
${body}
`,
  );
  chmodSync(file, 0o755);
  return file;
}

function starts(): string[] {
  return existsSync(join(dir, "starts")) ? readFileSync(join(dir, "starts"), "utf8").trim().split("\n") : [];
}

function supervisor(bin: string, pin?: string): GammuSupervisor {
  const s = new GammuSupervisor({
    bin,
    smsdrc: join(dir, "smsdrc"),
    pidFile: join(dir, "gammu-smsd.pid"),
    pinRefusedFile: join(dir, "pin-refused"),
    pin,
    backoffBaseMs: 100,
    backoffMaxMs: 400,
  });
  supervisors.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("gammu-smsd supervisor", () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ekor-supervisor-"));
    supervisors = [];
  });
  afterEach(async () => {
    for (const s of supervisors) await s.stop(500);
    rmSync(dir, { recursive: true, force: true });
  });

  it("removes a stale pid file before starting the daemon", async () => {
    writeFileSync(join(dir, "gammu-smsd.pid"), "424242\n");
    const s = supervisor(
      fakeDaemon("smsd", 'echo "gammu-smsd[$$]: Transmitted 1 (total: 1) to +48600100200" >&2\nexec sleep 30'),
    );
    s.start();
    for (let i = 0; i < 50 && s.state !== "running"; i++) await sleep(20);
    expect(s.state).toBe("running");
    expect(starts()).toEqual(["start"]);
    for (let i = 0; i < 50 && (s.status().lastLog as string[]).length < 2; i++) await sleep(20);
    // /healthz shows the last log lines: numbers masked.
    expect((s.status().lastLog as string[]).join("\n")).toContain("to +486***200");
  });

  it("stops a gammu-smsd orphaned by a killed gateway before starting its own", async () => {
    // No exec: like the real daemon, the process keeps its command line (with our smsdrc).
    const bin = fakeDaemon("gammu-smsd", "trap 'kill $child; exit 0' TERM\nsleep 30 & child=$!\nwait $child");
    const orphan = spawn(bin, ["-c", join(dir, "smsdrc"), "-p", join(dir, "gammu-smsd.pid")], { stdio: "ignore" });
    const exited = new Promise((resolve) => orphan.once("exit", resolve));
    for (let i = 0; i < 50 && !existsSync(join(dir, "gammu-smsd.pid")); i++) await sleep(20);
    const s = supervisor(bin);
    s.start();
    await exited;
    for (let i = 0; i < 100 && s.state !== "running"; i++) await sleep(20);
    expect(s.state).toBe("running");
    expect(s.pid).not.toBe(orphan.pid);
    expect(starts()).toEqual(["start", "start"]);
  });

  it("restarts a dying daemon with growing back-off", async () => {
    const s = supervisor(fakeDaemon("smsd", "exit 1"));
    s.start();
    const times = () =>
      existsSync(join(dir, "times"))
        ? readFileSync(join(dir, "times"), "utf8")
            .trim()
            .split("\n")
            .map((ns) => Number(BigInt(ns) / 1_000_000n))
        : [];
    for (let i = 0; i < 300 && times().length < 5; i++) await sleep(20);
    const t = times();
    expect(t.length).toBeGreaterThanOrEqual(5);
    const gaps = t.slice(1).map((at, i) => at - t[i]);
    // Back-off 100, 200, 400, 400 ms (capped): a dying daemon is never restarted in a tight loop.
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
    expect(gaps[3]).toBeGreaterThanOrEqual(400);
    expect(s.status().restarts).toBeGreaterThanOrEqual(4);
    expect(starts().every((line) => line === "start")).toBe(true);
  });

  it("stops for good when the SIM refuses the PIN, even across restarts of the gateway", async () => {
    const bin = fakeDaemon("smsd", 'echo "gammu-smsd[$$]: ERROR: incorrect PIN" >&2\nexec sleep 30');
    const first = supervisor(bin, "1234");
    first.start();
    for (let i = 0; i < 50 && first.state !== "pin_refused"; i++) await sleep(20);
    expect(first.state).toBe("pin_refused");
    await sleep(600);
    expect(first.pid).toBeUndefined();
    expect(starts()).toHaveLength(1);

    const again = supervisor(bin, "1234");
    again.start();
    await sleep(300);
    expect(again.state).toBe("pin_refused");
    expect(starts()).toHaveLength(1);

    const corrected = supervisor(fakeDaemon("smsd-ok", "exec sleep 30"), "4321");
    corrected.start();
    for (let i = 0; i < 50 && corrected.state !== "running"; i++) await sleep(20);
    expect(corrected.state).toBe("running");
    expect(existsSync(join(dir, "pin-refused"))).toBe(false);
  });

  it("recognises gammu's words for a refused PIN, not the missing-PIN warning", () => {
    expect(isPinRefusal("Wed 2026/11/25 gammu-smsd[1]: ERROR: incorrect PIN")).toBe(true);
    expect(isPinRefusal("gammu-smsd[1]: Error entering PIN: Security error. (SECURITYERROR[28])")).toBe(true);
    expect(isPinRefusal("gammu-smsd[1]: Warning: No PIN code in /var/lib/ekor/gammu/smsdrc file")).toBe(false);
    expect(isPinRefusal("gammu-smsd[1]: Transmitted 1 (total: 1) to +48600100200")).toBe(false);
  });
});
