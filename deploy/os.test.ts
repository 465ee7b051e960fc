/**
 * The real install under real systemd: deploy/dev/os-test.sh boots a cached Debian root with
 * systemd-nspawn, runs the steps of docs/install.md in it and checks the units. bookworm amd64 runs
 * every check, trixie amd64 the smoke subset. arm64 (qemu-user emulation): CI boots systemd in the arm64 root; OS_TEST_ARM64=smoke
 * runs the smoke subset instead (install, READY=1, /healthz, masked gammu-smsd, journald limits,
 * hardening score, kiosk page, reboot). Runs in the "serial" vitest project, after the parallel suite.
 */
import { spawn, spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";

const SCRIPT = new URL("dev/os-test.sh", import.meta.url).pathname;
const MINUTE = 60_000;

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}
const canBoot = process.getuid?.() === 0 && ["debootstrap", "systemd-nspawn", "nsenter"].every(has);
const canEmulate = canBoot && has("qemu-aarch64-static") && has("update-binfmts");

interface Run {
  results: Map<string, { ok: boolean; detail: string }>;
  output: string;
}

/** Runs os-test.sh (minutes) without blocking the worker; its `os-test:` lines go to the log. */
async function osTest(args: string[], timeoutMs: number): Promise<Run> {
  const child = spawn(SCRIPT, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGTERM" });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise((resolve) => child.on("close", resolve));
  const lines = output.split("\n").filter((l) => l.startsWith("os-test:"));
  process.stdout.write(`${lines.join("\n")}\n`);
  const results = new Map<string, { ok: boolean; detail: string }>();
  for (const line of output.split("\n")) {
    const m = /^os-test: (ok|FAIL) (\S+) ?(.*)$/.exec(line);
    if (!m) continue;
    const previous = results.get(m[2]);
    results.set(m[2], { ok: m[1] === "ok" && (previous?.ok ?? true), detail: m[3] });
  }
  return { results, output };
}

function expectOk(run: Run | undefined, ...names: string[]): void {
  if (!run) throw new Error("os-test.sh did not run");
  for (const name of names) {
    const result = run.results.get(name);
    expect(result, `${name}:\n${run.output.slice(-4_000)}`).toBeDefined();
    expect(result?.ok, `${name}: ${result?.detail}`).toBe(true);
  }
}

describe.runIf(canBoot)("install on Debian bookworm amd64 under systemd", () => {
  let run: Run | undefined;
  beforeAll(async () => {
    run = await osTest(["--arch", "amd64"], 35 * MINUTE);
  }, 36 * MINUTE);

  it("installs with the commands of docs/install.md", () => expectOk(run, "install"));
  it("starts the gateway through READY=1 and answers /healthz", () => expectOk(run, "gateway-active", "healthz"));
  it("enables the units, masks gammu-smsd and applies the journald limits", () => {
    expectOk(run, "gammu-masked", "journald-limits");
    expect(run?.results.get("enabled")).toBeUndefined();
  });
  it("hardens the gateway unit to an exposure of 2.0 or less", () => expectOk(run, "security"));
  it("installs udev rules that the target's udevadm reads without a complaint", () => expectOk(run, "udev-rules"));
  it("names the recorded modems and printer through the target's udevadm test", () => expectOk(run, "udev-devices"));
  it("restarts a frozen gateway through the watchdog", () => expectOk(run, "watchdog", "watchdog-journal"));
  it("restarts after kill -9 and keeps what the office API acknowledged", () => expectOk(run, "kill9"));
  it("schedules the nightly backup, and the backup service succeeds", () =>
    expectOk(run, "backup-timer", "backup-service"));
  it("changes nothing on a second install", () => expectOk(run, "reinstall"));
  it("rolls back a release that fails its health check", () => expectOk(run, "rollback"));
  it("shows the kiosk UI through the kiosk unit (cage + Chromium)", () => expectOk(run, "kiosk"));
  it("comes back healthy, kiosk page shown, after a reboot", () => expectOk(run, "boot", "boot-kiosk"));
});

// Debian trixie (Node 20.19, npm 9.2; what Raspberry Pi OS moves to): the smoke checks on amd64.
describe.runIf(canBoot)("install on Debian trixie amd64 under systemd", () => {
  let run: Run | undefined;
  beforeAll(async () => {
    run = await osTest(["--arch", "amd64", "--suite", "trixie", "--checks", "smoke"], 35 * MINUTE);
  }, 36 * MINUTE);

  it("installs with the commands of docs/install.md", () => expectOk(run, "install"));
  it("starts the gateway through READY=1 and answers /healthz", () => expectOk(run, "gateway-active", "healthz"));
  it("masks gammu-smsd and applies the journald limits", () => expectOk(run, "gammu-masked", "journald-limits"));
  it("hardens the gateway unit to an exposure of 2.0 or less", () => expectOk(run, "security"));
  it("installs udev rules that the target's udevadm reads without a complaint", () => expectOk(run, "udev-rules"));
  it("names the recorded modems and printer through the target's udevadm test", () => expectOk(run, "udev-devices"));
  it("shows the kiosk UI through the kiosk unit (cage + Chromium)", () => expectOk(run, "kiosk"));
  it("comes back healthy, kiosk page shown, after a reboot", () => expectOk(run, "boot", "boot-kiosk"));
});

// CI runs the arm64 boot subset: emulated apt and npm (about 500 Debian packages, the npm tree)
// take longer than CI's budget on two cores. OS_TEST_ARM64=smoke runs the smoke checks instead.
const arm64Smoke = process.env.OS_TEST_ARM64 === "smoke";

describe.runIf(canEmulate)("Debian bookworm arm64 (qemu-user) under systemd", () => {
  let run: Run | undefined;
  beforeAll(async () => {
    run = await osTest(["--arch", "arm64", "--checks", arm64Smoke ? "smoke" : "boot"], 60 * MINUTE);
  }, 61 * MINUTE);

  if (!arm64Smoke) {
    it("boots systemd in an arm64 root", () => expectOk(run, "boot-systemd"));
    return;
  }
  it("installs with the commands of docs/install.md", () => expectOk(run, "install"));
  it("starts the gateway through READY=1 and answers /healthz", () => expectOk(run, "gateway-active", "healthz"));
  it("masks gammu-smsd and applies the journald limits", () => expectOk(run, "gammu-masked", "journald-limits"));
  it("hardens the gateway unit to an exposure of 2.0 or less", () => expectOk(run, "security"));
  it("installs udev rules that the target's udevadm reads without a complaint", () => expectOk(run, "udev-rules"));
  it("shows the kiosk UI through the kiosk unit (cage + Chromium)", () => expectOk(run, "kiosk"));
  it("comes back healthy, kiosk page shown, after a reboot", () => expectOk(run, "boot", "boot-kiosk"));
});
