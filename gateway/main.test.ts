import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./testing/local.ts";

const root = new URL("..", import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ekor-main-"));
  dirs.push(d);
  return d;
}

describe("gateway process", () => {
  it("starts with the demo data, answers /healthz, and exits 0 on SIGTERM", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const child = execa(join(root, "node_modules/.bin/bun"), ["gateway/main.ts", "--demo"], {
      cwd: root,
      env: { DATA_DIR: dataDir, PORT: String(port), OFFICE_PORT: "0", LOG_LEVEL: "warn" },
      reject: false,
      all: true,
    });
    let health: { status: string; parts: Record<string, { status: string }> } | undefined;
    let exited = false;
    void child.finally(() => {
      exited = true;
    });
    for (let i = 0; i < 240 && !health && !exited; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.status === 200) health = await res.json();
      } catch {
        // not listening yet
      }
      if (!health) await new Promise((r) => setTimeout(r, 250));
    }
    if (!health) {
      child.kill("SIGKILL");
      throw new Error(`gateway did not answer /healthz:\n${(await child).all}`);
    }
    expect(health?.parts.db.status, "gateway did not answer /healthz").toBe("ok");
    expect(health?.parts.register.status).toBe("ok");
    expect(
      readFileSync(join(dataDir, "demo-owners.txt"), "utf8")
        .split("\n")
        .filter((l) => /^[A-Z0-9]+-/.test(l)),
    ).toHaveLength(120);

    const stopping = Date.now();
    child.kill("SIGTERM");
    const result = await child;
    expect(result.exitCode, result.all).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 90_000);

  it("refuses to start on a bad configuration value and names the key", async () => {
    const result = await execa(join(root, "node_modules/.bin/bun"), ["gateway/main.ts"], {
      cwd: root,
      env: { DATA_DIR: tempDir(), EK__sms__quietHours__start: '"25:00"' },
      reject: false,
      all: true,
    });
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain('configuration key "sms.quietHours.start"');
  }, 60_000);
});
