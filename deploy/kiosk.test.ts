/**
 * The kiosk display as the kiosk unit runs it: cage (wlroots headless backend here instead of the
 * Pi's DRM screen) running deploy/kiosk/chromium.sh, which waits for the gateway and shows the
 * kiosk UI full screen. cage refuses to run as root, so under root it runs as `nobody`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const REPO = new URL("..", import.meta.url).pathname;
const NOBODY = 65534;

const children: ChildProcess[] = [];
let dir: string | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

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
  if (dir) rmSync(dir, { recursive: true, force: true });
});

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
    const log = openSync(join(dir, "cage.log"), "w");
    const command = ["cage", "-d", "--", join(REPO, "deploy/kiosk/chromium.sh")];
    const cage = spawn(
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
    children.push(cage);
    await new Promise((r) => setTimeout(r, 2_000));

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
    expect(page, readFileSync(join(dir, "cage.log"), "utf8").slice(-2_000)).toMatchObject({
      url: kioskUrl,
      title: "e-Korespondencja",
    });
    expect(cage.exitCode).toBeNull();
  });
});
