/**
 * privateDir tightens the directories that hold residents' data; it must never tighten a shared
 * directory such as /tmp that a configuration or a test happens to name (a file path's dirname).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { privateDir } from "./privateFiles.ts";

const mode = (path: string) => statSync(path).mode & 0o7777;

describe("privateDir", () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const temp = () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-private-"));
    made.push(dir);
    return dir;
  };

  it("creates missing directories 0700 and tightens an existing 0755 data directory", () => {
    const root = temp();
    expect(mode(privateDir(join(root, "a", "b")))).toBe(0o700);
    const old = join(root, "old");
    mkdirSync(old, { mode: 0o755 });
    chmodSync(old, 0o755);
    expect(mode(privateDir(old))).toBe(0o700);
  });

  it("leaves a shared sticky directory (like /tmp) as it is", () => {
    const shared = join(temp(), "shared-tmp");
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    privateDir(shared);
    expect(mode(shared)).toBe(0o1777);
  });
});
