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
    const s = supervisor(fakeDaemon("smsd", "exec sleep 30"));
    s.start();
    for (let i = 0; i < 50 && s.state !== "running"; i++) await sleep(20);
    expect(s.state).toBe("running");
    expect(starts()).toEqual(["start"]);
  });

  it("restarts a dying daemon with growing back-off", async () => {
    const s = supervisor(fakeDaemon("smsd", "exit 1"));
    s.start();
    await sleep(1300);
    const count = starts().length;
    // 0, +100, +200, +400, +400 ms… → about 5 starts in 1.3 s, not dozens.
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThanOrEqual(6);
    expect(s.status()).toMatchObject({ restarts: count - (s.state === "backoff" ? 0 : 1) });
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
