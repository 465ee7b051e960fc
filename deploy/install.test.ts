/**
 * deploy/install.sh --root <tmp>: the tree, permissions and units it produces, a second run that
 * changes nothing, an upgrade, and the rollback when a new release fails its health check.
 * The checkout is frozen into a temp copy first (others edit the working tree meanwhile), and
 * node_modules is linked (--deps-from) instead of `npm ci`, so no download happens here.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../gateway/testing/local.ts";

const REPO = new URL("..", import.meta.url).pathname;
const SOURCE_ITEMS = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "gateway",
  "db",
  "drivers",
  "deploy",
  "kiosk-ui",
];

let work: string;
let root: string;
let port: number;

/** A frozen copy of the checkout (sources + built UI), optionally changed. */
function snapshotSource(name: string, change?: (dir: string) => void): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync("tar", ["-c", "--exclude=node_modules", "--exclude=*.partial", ...SOURCE_ITEMS], {
    cwd: REPO,
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  change?.(dir);
  return dir;
}

function setVersion(dir: string, version: string): void {
  const file = join(dir, "package.json");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^ {2}"version": "[^"]+"/m, `  "version": "${version}"`));
}

function install(source: string, extra: string[] = []) {
  return execa(
    "bash",
    [
      join(source, "deploy/install.sh"),
      "--root",
      root,
      "--source",
      source,
      "--deps-from",
      join(REPO, "node_modules"),
      "--health-port",
      String(port),
      "--health-timeout",
      "25",
      ...extra,
    ],
    { reject: false, all: true, timeout: 120_000 },
  );
}

/** path, mode, size, mtime and link target of everything outside the releases' contents. */
function snapshotTree(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const st = statSync(path, { throwIfNoEntry: false });
      const rel = relative(root, path);
      const link = entry.isSymbolicLink() ? ` -> ${readlinkSync(path)}` : "";
      out.push(`${rel} ${st ? (st.mode & 0o7777).toString(8) : "?"} ${st?.size} ${st?.mtimeMs}${link}`);
      if (entry.isDirectory() && !/releases$/.test(dir)) walk(path);
    }
  };
  walk(root);
  return out.sort();
}

const mode = (path: string) => (statSync(join(root, path)).mode & 0o777).toString(8);
const current = () => readlinkSync(join(root, "opt/e-korespondencja/current"));

let good: string;
// The test machine has no modem or printer: the demo's simulated devices (production refuses them).
const TECHNICIAN_CONFIG = JSON.stringify({ demo: true, logLevel: "warn", kioskId: "RADOM-1" });

beforeAll(async () => {
  if (!existsSync(join(REPO, "kiosk-ui/dist/index.html"))) throw new Error("build the kiosk UI first (npm test does)");
  work = mkdtempSync(join(tmpdir(), "ekor-install-"));
  root = join(work, "root");
  port = await freePort();
  // The technician's configuration exists before the install (simulated devices); it is never overwritten.
  mkdirSync(join(root, "etc/e-korespondencja"), { recursive: true });
  writeFileSync(join(root, "etc/e-korespondencja/config.json"), TECHNICIAN_CONFIG);
  // An image with ModemManager and a desktop's display manager (Raspberry Pi OS with desktop).
  mkdirSync(join(root, "usr/lib/systemd/system"), { recursive: true });
  writeFileSync(join(root, "usr/lib/systemd/system/ModemManager.service"), "[Unit]\nDescription=Modem Manager\n");
  mkdirSync(join(root, "etc/systemd/system"), { recursive: true });
  symlinkSync("/lib/systemd/system/lightdm.service", join(root, "etc/systemd/system/display-manager.service"));
  good = snapshotSource("src-good");
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("deploy/install.sh --root", () => {
  it("installs the release, configuration, units, udev rules and commands with the right permissions", async () => {
    const run = await install(good, ["--modem-on-uart"]);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/skip \(--root\): apt-get install .*cage.*chromium.*gammu-smsd.*fonts-noto-core/);
    expect(run.all).toMatch(/skip \(--root\): apt-get install .*udev usb-modeswitch usb-modeswitch-data/);
    expect(run.all).toMatch(/skip \(--root\): useradd e-korespondencja/);
    expect(run.all).toMatch(/release 0\.1\.0-[0-9a-f]{10} is healthy/);

    expect(current()).toMatch(/^releases\/0\.1\.0-[0-9a-f]{10}$/);
    const release = join(root, "opt/e-korespondencja", current());
    for (const file of ["gateway/main.ts", "db/migrations", "kiosk-ui/dist/index.html", "node_modules/.bin/bun"]) {
      expect(existsSync(join(release, file)), file).toBe(true);
    }
    expect(existsSync(join(release, "var"))).toBe(false);

    expect(mode("etc/e-korespondencja")).toBe("750");
    expect(mode("etc/e-korespondencja/config.json")).toBe("600");
    expect(mode("etc/e-korespondencja/gateway.env")).toBe("600");
    expect(mode("var/lib/e-korespondencja")).toBe("700");
    expect(mode("var/lib/e-korespondencja/backups")).toBe("700");
    expect(readFileSync(join(root, "etc/e-korespondencja/config.json"), "utf8")).toBe(TECHNICIAN_CONFIG);
    // The health check ran the gateway on the tree's data directory.
    expect(existsSync(join(root, "var/lib/e-korespondencja/gateway.sqlite"))).toBe(true);

    const units = readdirSync(join(root, "etc/systemd/system")).sort();
    expect(units).toEqual([
      "ModemManager.service",
      "default.target",
      "e-korespondencja-backup.service",
      "e-korespondencja-backup.timer",
      "e-korespondencja-gateway.service",
      "e-korespondencja-kiosk.service",
      "e-korespondencja-screen.service",
      "e-korespondencja-usb-reset.path",
      "e-korespondencja-usb-reset.service",
      "systemd-time-wait-sync.service.d",
    ]);
    // ModemManager.service is a mask (a link to /dev/null), not one of ours.
    for (const unit of units.filter((u) => /^e-korespondencja-.*\.(service|timer|path)$/.test(u)))
      expect(mode(`etc/systemd/system/${unit}`)).toBe("644");
    const watchdog = readFileSync(join(root, "etc/systemd/system.conf.d/50-e-korespondencja-watchdog.conf"), "utf8");
    const seconds = Number(/^RuntimeWatchdogSec=(\d+)s$/m.exec(watchdog)?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(15);
    expect(readFileSync(join(root, "etc/systemd/journald.conf.d/50-e-korespondencja.conf"), "utf8")).toMatch(
      /SystemMaxUse=\d+M/,
    );
    expect(readFileSync(join(root, "etc/udev/rules.d/99-e-korespondencja.rules"), "utf8")).toMatch(/gsm-modem/);
    // ModemManager masked, the kiosk's boot target set, the desktop's display manager off.
    expect(readlinkSync(join(root, "etc/systemd/system/ModemManager.service"))).toBe("/dev/null");
    expect(readlinkSync(join(root, "etc/systemd/system/default.target"))).toBe("/lib/systemd/system/graphical.target");
    expect(readFileSync(join(release, "deploy/systemd/e-korespondencja-kiosk.service"), "utf8")).toMatch(
      /^WantedBy=graphical\.target$/m,
    );
    expect(run.all).toMatch(/disabled the desktop's display manager lightdm\.service/);
    // The E3372 switch to its serial mode, and the flag that turns on the serial0 rule.
    expect(readFileSync(join(root, "etc/usb_modeswitch.d/12d1:1f01"), "utf8")).toMatch(/^TargetProduct=0x1442$/m);
    expect(existsSync(join(root, "etc/e-korespondencja/modem-on-uart"))).toBe(true);
    expect(mode("usr/local/bin/e-korespondencja-doctor")).toBe("755");
    expect(mode("usr/local/bin/e-korespondencja-backup")).toBe("755");
    expect(mode("usr/local/bin/e-korespondencja-usb-reset")).toBe("755");
  }, 120_000);

  it("changes nothing when run again", async () => {
    const before = snapshotTree();
    const run = await install(good);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/is already current/);
    expect(run.all).not.toMatch(/wrote|created|staged/);
    expect(snapshotTree()).toEqual(before);
  }, 120_000);

  it("keeps the configuration the technician edited", async () => {
    const file = join(root, "etc/e-korespondencja/screen.env");
    writeFileSync(file, "SCREEN_OFF_AT=23:00\nSCREEN_ON_AT=05:30\n");
    const run = await install(good);
    expect(run.exitCode, run.all).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("SCREEN_OFF_AT=23:00\nSCREEN_ON_AT=05:30\n");
  }, 120_000);

  it("rolls back to the previous release when the new one fails its health check", async () => {
    const before = current();
    const broken = snapshotSource("src-broken", (dir) => {
      setVersion(dir, "0.1.1");
      // A build whose gateway runs but reports itself down.
      writeFileSync(
        join(dir, "gateway/main.ts"),
        `Bun.serve({ hostname: "127.0.0.1", port: Number(process.env.PORT),
          fetch: () => Response.json({ status: "down", parts: { db: { status: "down" } } }, { status: 503 }) });\n`,
      );
    });
    const run = await execa(
      "bash",
      [
        join(broken, "deploy/install.sh"),
        ...["--root", root, "--source", broken, "--deps-from", join(REPO, "node_modules")],
        ...["--health-port", String(port), "--health-timeout", "4"],
      ],
      { reject: false, all: true, timeout: 120_000 },
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.all).toMatch(/release 0\.1\.1-[0-9a-f]{10} FAILED its health check; rolled back to 0\.1\.0-/);
    expect(current()).toBe(before);
    expect(readdirSync(join(root, "opt/e-korespondencja/releases")).filter((r) => r.startsWith("0.1.1"))).toEqual([]);
  }, 120_000);

  it("upgrades to a healthy release and keeps the previous one", async () => {
    const before = current();
    const next = snapshotSource("src-next", (dir) => setVersion(dir, "0.1.2"));
    const run = await install(next);
    expect(run.exitCode, run.all).toBe(0);
    expect(current()).toMatch(/^releases\/0\.1\.2-/);
    expect(readlinkSync(join(root, "opt/e-korespondencja/previous"))).toBe(before);
    expect(existsSync(join(root, "opt/e-korespondencja", before, "gateway/main.ts"))).toBe(true);
  }, 120_000);

  it("installs units that systemd-analyze verify accepts", async () => {
    // The units name /opt/e-korespondencja/current/...; point that one prefix at the installed
    // tree so systemd can check the executables exist (everything else is verified as written).
    const verifyDir = join(work, "verify");
    mkdirSync(verifyDir, { recursive: true });
    const unitDir = join(root, "etc/systemd/system");
    const names = readdirSync(unitDir).filter((u) => /^e-korespondencja-.*\.(service|timer|path)$/.test(u));
    for (const name of names) {
      const text = readFileSync(join(unitDir, name), "utf8")
        .replaceAll("/opt/e-korespondencja/current", join(root, "opt/e-korespondencja/current"))
        .replaceAll("/usr/local/bin/", join(root, "usr/local/bin/"));
      writeFileSync(join(verifyDir, name), text);
    }
    cpSync(join(unitDir, "systemd-time-wait-sync.service.d"), join(verifyDir, "systemd-time-wait-sync.service.d"), {
      recursive: true,
    });
    const run = await execa("systemd-analyze", ["verify", "--man=no", ...names.map((n) => join(verifyDir, n))], {
      reject: false,
      all: true,
      cwd: verifyDir,
      env: { SYSTEMD_LOG_LEVEL: "notice" },
    });
    expect(run.all).toBe("");
    expect(run.exitCode).toBe(0);
  }, 60_000);
});
