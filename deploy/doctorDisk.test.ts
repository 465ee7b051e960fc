/**
 * The doctor on a full data disk: the real gateway process runs with its data directory on a
 * real 512 MiB tmpfs (root: CI and `npm test` run as root); once a write has failed the doctor
 * says so in plain words, names the path and what to free, and clears when space is back.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayProcess, startGatewayProcess } from "../kiosk-ui/e2e/harness.ts";

const REPO = new URL("..", import.meta.url).pathname;
const BUN = join(REPO, "node_modules/.bin/bun");
const mountPoint = mkdtempSync(join(tmpdir(), "ekor-doctor-disk-"));
const dataDir = join(mountPoint, "data");
const env = { EK__disk__minFreeMb: "2" };
let gateway: GatewayProcess;
let fillers = 0;

beforeAll(async () => {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=512m,mode=0700", "tmpfs", mountPoint]);
  gateway = await startGatewayProcess(env, { dataDir });
}, 90_000);

afterAll(async () => {
  await gateway?.dispose();
  execFileSync("umount", ["-l", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

interface Finding {
  id: string;
  status: string;
  pl: string;
  en: string;
  fix?: { pl: string; en: string };
}

async function diskFinding(): Promise<Finding> {
  const run = await execa(BUN, ["deploy/doctor/main.ts", "--json", "--data-dir", dataDir, "--url", gateway.url], {
    cwd: REPO,
    reject: false,
    timeout: 60_000,
    env: { ...env, DATA_DIR: dataDir },
  });
  const report = JSON.parse(run.stdout) as { findings: Finding[] };
  return report.findings.find((f) => f.id === "disk.free") as Finding;
}

describe("the doctor on a full data disk", () => {
  it("says the gateway cannot write, names the path and what to free, and is calm again once space is freed", async () => {
    try {
      for (; ; fillers++) writeFileSync(join(mountPoint, `filler-${fillers}`), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: full
    }
    const refused = await fetch(`${gateway.url}/api/v1/kiosk/identify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        flatCode: gateway.flats[0].flatCode,
        surname: gateway.flats[0].surnames[0],
        ownerCode: "000000",
      }),
    });
    expect(refused.status).toBe(503);

    const full = await diskFinding();
    expect(full.status).toBe("fail");
    expect(full.pl).toContain("dysk pełny: brama nie może zapisać danych");
    expect(full.pl).toContain(dataDir);
    expect(full.en).toContain("the gateway cannot write its data");
    expect(full.fix?.pl).toContain(`zwolnij miejsce na ${dataDir}`);
    expect(full.fix?.en).toContain("no restart");

    for (let i = 0; i <= fillers; i++) rmSync(join(mountPoint, `filler-${i}`), { force: true });
    const freed = await diskFinding();
    expect(freed.status).not.toBe("fail");
    expect(freed.pl).not.toContain("brama nie może zapisać");
    expect(freed.pl).toContain(dataDir);
  }, 150_000);
});
