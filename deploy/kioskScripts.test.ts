/** kiosk/chromium.sh's stale profile lock and kiosk/cage.sh's rotation, with stand-in binaries. */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";

const KIOSK = new URL("kiosk/", import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A stand-in binary that records its arguments (and whether the profile lock was still there). */
function recorder(dir: string, name: string, profile = ""): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/${name}.args"
if [ -n "${profile}" ] && [ -L "${profile}/SingletonLock" ]; then echo locked > "${dir}/${name}.lock"; fi
`,
    { mode: 0o755 },
  );
  return file;
}

function chromiumEnv(dir: string, profile: string) {
  return {
    CHROMIUM: recorder(dir, "chromium", profile),
    KIOSK_PROFILE: profile,
    KIOSK_WAIT_SECONDS: "0",
    PATH: "/usr/bin:/bin",
  };
}

describe("kiosk/chromium.sh after a power cut or a hostname change", () => {
  it("removes a stale Singleton lock left by a Chromium that no longer runs, then starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-chromium-"));
    dirs.push(dir);
    const profile = join(dir, "profile");
    mkdirSync(profile);
    // What a power cut leaves: the lock names the old hostname and a pid that is gone.
    symlinkSync("old-kiosk-name-4242", join(profile, "SingletonLock"));
    symlinkSync("/tmp/.org.chromium.Chromium.gone/SingletonSocket", join(profile, "SingletonSocket"));
    symlinkSync("123456789", join(profile, "SingletonCookie"));
    const run = await execa(join(KIOSK, "chromium.sh"), { env: chromiumEnv(dir, profile), all: true });
    expect(run.all).toContain("removed a stale profile lock (old-kiosk-name-4242)");
    for (const name of ["SingletonLock", "SingletonSocket", "SingletonCookie"]) {
      expect(() => lstatSync(join(profile, name)), name).toThrow();
    }
    expect(existsSync(join(dir, "chromium.lock"))).toBe(false);
    expect(readFileSync(join(dir, "chromium.args"), "utf8")).toContain(`--user-data-dir=${profile}`);
  });

  it("leaves the lock of a Chromium that runs with this profile and does not start a second one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-chromium-"));
    dirs.push(dir);
    const profile = join(dir, "profile");
    mkdirSync(profile);
    // A live owner: same hostname, a running process whose command line names the profile.
    const owner = execa("sh", ["-c", "sleep 10; :", "chromium", `--user-data-dir=${profile}`], {
      reject: false,
      stdio: "ignore",
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      symlinkSync(`${hostname()}-${owner.pid}`, join(profile, "SingletonLock"));
      const run = await execa(join(KIOSK, "chromium.sh"), { env: chromiumEnv(dir, profile), reject: false, all: true });
      expect(run.exitCode).toBe(1);
      expect(run.all).toContain(`Chromium ${owner.pid} already runs`);
      expect(lstatSync(join(profile, "SingletonLock")).isSymbolicLink()).toBe(true);
      expect(existsSync(join(dir, "chromium.args"))).toBe(false);
    } finally {
      owner.kill();
      await owner;
    }
  });
});

describe("kiosk/cage.sh", () => {
  const cage = async (env: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-cage-"));
    dirs.push(dir);
    const run = await execa(join(KIOSK, "cage.sh"), {
      env: { CAGE: recorder(dir, "cage"), PATH: "/usr/bin:/bin", ...env },
      reject: false,
      all: true,
    });
    const args = existsSync(join(dir, "cage.args"))
      ? readFileSync(join(dir, "cage.args"), "utf8").trim().split("\n")
      : [];
    return { run, args };
  };

  it("turns the picture with one -r per 90 degrees and runs chromium.sh", async () => {
    expect((await cage({})).args).toEqual(["-d", "-m", "extend", "--", join(KIOSK, "chromium.sh")]);
    expect((await cage({ KIOSK_ROTATE: "270", KIOSK_OUTPUT: "last" })).args).toEqual([
      "-d",
      "-r",
      "-r",
      "-r",
      "-m",
      "last",
      "--",
      join(KIOSK, "chromium.sh"),
    ]);
  });

  it("refuses a rotation cage cannot do, naming the setting", async () => {
    const { run, args } = await cage({ KIOSK_ROTATE: "45" });
    expect(run.exitCode).toBe(2);
    expect(run.all).toContain("KIOSK_ROTATE must be 0, 90, 180 or 270");
    expect(args).toEqual([]);
  });
});
