import { execa } from "execa";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

describe("code quality", () => {
  it("passes Biome's format and lint checks", async () => {
    const result = await execa("npx", ["biome", "check", "--max-diagnostics=20", "."], {
      cwd: root,
      reject: false,
      all: true,
    });
    expect(result.all, "biome check output").not.toMatch(/error|✖/i);
    expect(result.exitCode).toBe(0);
  }, 120_000);

  it("type-checks the gateway, drivers and database (tsc --noEmit)", async () => {
    const result = await execa("npx", ["tsc", "--noEmit", "-p", "tsconfig.json"], {
      cwd: root,
      reject: false,
      all: true,
    });
    expect(result.all).toBe("");
    expect(result.exitCode).toBe(0);
  }, 600_000);

  it("type-checks the kiosk UI against the browser's DOM types", async () => {
    const result = await execa("npx", ["tsc", "--noEmit", "-p", "kiosk-ui/tsconfig.json"], {
      cwd: root,
      reject: false,
      all: true,
    });
    expect(result.all).toBe("");
    expect(result.exitCode).toBe(0);
  }, 600_000);
});
