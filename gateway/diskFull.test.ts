import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./testing/harness.ts";

// The data directory on a real 4 MiB tmpfs (root: CI and `npm test` run as root).
const mountPoint = mkdtempSync(join(tmpdir(), "ekor-disk-"));
let gw: TestGateway;
beforeAll(async () => {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mountPoint]);
  gw = await startTestGateway({ dataDir: join(mountPoint, "data"), disk: { minFreeMb: 1 } });
});
afterAll(async () => {
  await gw?.stop();
  execFileSync("umount", ["-l", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

const filler = (i: number) => join(mountPoint, `filler-${i}`);
function fillUp(): number {
  let i = 0;
  try {
    for (; ; i++) writeFileSync(filler(i), Buffer.alloc(64 * 1024));
  } catch {
    return i;
  }
}

const identify = () =>
  gw.json("POST", "/api/v1/kiosk/identify", { flatCode: "KEL10-A-1", surname: "Kowalska", ownerCode: "000000" });

describe("a full data disk", () => {
  it("turns health degraded, then down when a write fails, answers 503 out of service, and recovers without a restart", async () => {
    const before = await gw.json("GET", "/healthz");
    expect(before.body.parts.disk.status).toBe("ok");

    const files = fillUp();
    expect((await gw.json("GET", "/healthz")).body.parts.disk.status).toBe("degraded");

    const failed = await identify();
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({
      code: "OUT_OF_SERVICE",
      message: expect.stringMatching(/out of service/),
    });
    // what the kiosk's out-of-service screen asks until it can return by itself
    expect((await gw.json("GET", "/api/v1/kiosk/service")).body).toEqual({ inService: false, reason: "disk_full" });
    const down = await gw.json("GET", "/healthz");
    expect(down.body.parts.disk.status).toBe("down");
    // a resident cannot enrol: the whole gateway is down (503), not merely degraded
    expect(down.status).toBe(503);
    expect(down.body.status).toBe("down");

    for (let i = 0; i < files; i++) rmSync(filler(i), { force: true });
    const back = await gw.json("GET", "/healthz");
    expect(back.body.parts.disk.status).toBe("ok");
    expect(back.body.status).not.toBe("down");
    expect((await gw.json("GET", "/api/v1/kiosk/service")).body).toEqual({ inService: true });
    expect((await identify()).status).not.toBe(503);
  });
});
