/**
 * The kiosk display as the kiosk unit runs it: cage (wlroots headless backend here instead of the
 * Pi's DRM screen) running deploy/kiosk/chromium.sh, which waits for the gateway and shows the
 * kiosk UI full screen. cage refuses to run as root, so under root it runs as `nobody`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../gateway/testing/local.ts";

const REPO = new URL("..", import.meta.url).pathname;
const NOBODY = 65534;

const children: ChildProcess[] = [];
let dir: string | null = null;

afterAll(async () => {
  for (const child of children) {
    // Each child leads its own process group: cage, Chromium and its helpers go together.
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
  await new Promise((r) => setTimeout(r, 1_000));
  for (const child of children) {
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  if (dir && !process.env.KEEP_KIOSK_DIR) rmSync(dir, { recursive: true, force: true });
});

/** Whether cage has a child process (chromium.sh, then Chromium) within `ms`. */
async function startedClient(cage: ChildProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cage.exitCode !== null) throw new Error(`cage exited with ${cage.exitCode} before starting its client`);
    if (cage.pid && childPids(cage.pid).length > 0) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function compositorState(cage: ChildProcess): string {
  const read = (file: string) => {
    try {
      return readFileSync(`/proc/${cage.pid}/${file}`, "utf8").trim();
    } catch {
      return "?";
    }
  };
  const status =
    read("status")
      .split("\n")
      .find((l) => l.startsWith("State:")) ?? "State: ?";
  return `pid ${cage.pid}, ${status}, wchan ${read("wchan")}`;
}

describe("kiosk display (cage + Chromium)", () => {
  // Runs in the "serial" vitest project (vitest.config.ts), after the parallel suite and alone:
  // on a 2-core machine cage's headless backend could not bring Chromium up while the rest of the
  // suite competed for the CPU.
  it("waits for the gateway, then shows the kiosk UI in kiosk mode", { timeout: 90_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), "ekor-kiosk-"));
    chmodSync(dir, 0o755);
    const runtime = join(dir, "run");
    const profile = join(dir, "profile");
    mkdirSync(runtime, { mode: 0o700 });
    mkdirSync(profile);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chownSync(runtime, NOBODY, NOBODY);
      chownSync(profile, NOBODY, NOBODY);
    }
    const [gatewayPort, devtoolsPort] = [await freePort(), await freePort()];
    const kioskUrl = `http://127.0.0.1:${gatewayPort}/`;

    // The display starts first, as after a power cut: Chromium must not show an error page.
    // cage runs as nobody, who may not reach into the checkout (a clone in a 0700 temp dir): it
    // starts a copy of the script from the test's own world-readable directory.
    const script = join(dir, "chromium.sh");
    copyFileSync(join(REPO, "deploy/kiosk/chromium.sh"), script);
    chmodSync(script, 0o755);
    const command = ["cage", "-d", "--", script];
    const startCage = (attempt: number): ChildProcess => {
      const log = openSync(join(dir as string, `cage-${attempt}.log`), "w");
      const child = spawn(
        asRoot ? "setpriv" : command[0],
        asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", ...command] : command.slice(1),
        {
          detached: true,
          stdio: ["ignore", log, log],
          env: {
            PATH: process.env.PATH,
            HOME: profile,
            XDG_RUNTIME_DIR: runtime,
            WLR_BACKENDS: "headless",
            WLR_RENDERER: "pixman",
            WLR_LIBINPUT_NO_DEVICES: "1",
            KIOSK_URL: kioskUrl,
            KIOSK_PROFILE: profile,
            KIOSK_EXTRA_FLAGS: `--remote-debugging-port=${devtoolsPort} --no-sandbox --disable-gpu`,
          },
        },
      );
      children.push(child);
      return child;
    };
    // wlroots' headless backend (this machine has no screen; the Pi uses DRM) has once hung in
    // start-up without ever starting its client (the log ended after "drmGetDevices2 failed").
    // That is the test's stand-in display, not the kiosk script under test, so a compositor that
    // has not started chromium.sh within 15 s is stopped, its state recorded, and started again.
    let cage = startCage(1);
    let attempt = 1;
    for (;;) {
      if (await startedClient(cage, 15_000)) break;
      const state = compositorState(cage);
      if (attempt === 2) throw new Error(`cage never started chromium.sh twice: ${state}`);
      console.warn(`kiosk test: cage hung before starting its client (${state}); starting it again`);
      if (cage.pid) process.kill(-cage.pid, "SIGKILL");
      attempt += 1;
      cage = startCage(attempt);
    }
    const cageLog = join(dir, `cage-${attempt}.log`);

    const gateway = spawn(join(REPO, "node_modules/.bin/bun"), ["gateway/main.ts", "--demo"], {
      cwd: REPO,
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        DATA_DIR: join(dir, "data"),
        PORT: String(gatewayPort),
        OFFICE_PORT: "0",
        LOG_LEVEL: "warn",
      },
    });
    children.push(gateway);

    const deadline = Date.now() + 60_000;
    let pages: Array<{ type: string; url: string; title: string }> = [];
    while (Date.now() < deadline) {
      pages = await fetch(`http://127.0.0.1:${devtoolsPort}/json`)
        .then((r) => r.json() as Promise<typeof pages>)
        .catch(() => []);
      if (pages.some((p) => p.type === "page" && p.title === "e-Korespondencja")) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const page = pages.find((p) => p.type === "page");
    expect(page, readFileSync(cageLog, "utf8").slice(-2_000)).toMatchObject({
      url: kioskUrl,
      title: "e-Korespondencja",
    });
    expect(cage.exitCode).toBeNull();
  });
});
