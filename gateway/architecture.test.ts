import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

describe("the architecture", () => {
  it("keeps its layers (dependency-cruiser with .dependency-cruiser.cjs)", () => {
    const out = spawnSync(
      "node",
      [
        join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs"),
        "db",
        "drivers",
        "gateway",
        "kiosk-ui/src",
        "kiosk-ui/staff",
        "--config",
        ".dependency-cruiser.cjs",
        "--output-type",
        "err",
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(out.stdout + out.stderr).toContain("no dependency violations found");
    expect(out.status).toBe(0);
  }, 120_000);

  it("leaves SQLite's own handle to db/: services and routes use drizzle or db/client.ts", () => {
    const offenders: string[] = [];
    for (const dir of ["gateway/services", "gateway/routes", "gateway/office", "gateway/messaging"]) {
      for (const file of readdirSync(join(root, dir), { recursive: true }) as string[]) {
        if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
        if (readFileSync(join(root, dir, file), "utf8").includes("$client")) offenders.push(`${dir}/${file}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
