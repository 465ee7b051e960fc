/** docs/going-live.md: its `sh` blocks (steps 2–7) run exactly as written, on a temporary data directory. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "ekor-going-live-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function documentedCommands(): string[] {
  const doc = readFileSync(join(ROOT, "docs/going-live.md"), "utf8");
  return [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n").filter((l) => l.trim()));
}

describe("docs/going-live.md", () => {
  it("documents init, purge-demo, the office key, a staff user, the owners load and the paper register", () => {
    const commands = documentedCommands().join("\n");
    for (const step of [
      "provision -- init",
      "purge-demo",
      "office-key add",
      "staff -- add",
      "owners load",
      "import-paper",
    ]) {
      expect(commands).toContain(step);
    }
  });

  it("runs every command of its sh blocks, in order, each exiting 0", async () => {
    const bin = join(ROOT, "node_modules/.bin");
    for (const command of documentedCommands()) {
      const result = await execa("bash", ["-c", command], {
        cwd: ROOT,
        env: { PATH: `${bin}:${process.env.PATH}`, DATA_DIR: join(dir, "data"), LOG_LEVEL: "warn" },
        extendEnv: false,
        reject: false,
        all: true,
        timeout: 60_000,
      });
      expect(result.exitCode, `${command}\n${result.all}`).toBe(0);
    }
  }, 300_000);
});
