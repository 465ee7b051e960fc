/**
 * A full data disk while a resident is mid-flow: the kiosk shows its out-of-service screen
 * ("ask at the office") instead of an error on the step, and comes back by itself once space is
 * freed. The real gateway runs on a real 64 MiB tmpfs (root: CI and `npm test` run as root).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identify, StepChecker, typeEmail } from "./flows.ts";
import { ensureBuilt, type GatewayProcess, type Kiosk, openKiosk, startGatewayProcess } from "./harness.ts";

const mountPoint = mkdtempSync(join(tmpdir(), "ekor-kiosk-disk-"));
let gateway: GatewayProcess;
let kiosk: Kiosk;
let fillers = 0;

beforeAll(async () => {
  ensureBuilt();
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", mountPoint]);
  gateway = await startGatewayProcess({ EK__disk__minFreeMb: "2" }, { dataDir: join(mountPoint, "data") });
  kiosk = await openKiosk(gateway.url, "small");
}, 90_000);

afterAll(async () => {
  await kiosk?.close();
  await gateway?.dispose();
  execFileSync("umount", ["-l", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

function fillDisk(): void {
  try {
    for (; ; fillers++) writeFileSync(join(mountPoint, `filler-${fillers}`), Buffer.alloc(256 * 1024));
  } catch {
    // ENOSPC: the disk is full
  }
}

function freeDisk(): void {
  for (let i = 0; i <= fillers; i++) rmSync(join(mountPoint, `filler-${i}`), { force: true });
  fillers = 0;
}

describe("a kiosk whose gateway's disk is full", () => {
  it("shows 'out of service, ask at the office' mid-flow instead of an error, and returns to the start screen by itself once space is freed", async () => {
    const page = kiosk.page;
    await kiosk.reset();
    const flat = gateway.flats.find((f) => f.flatCode === "KEL10-A-3")!;
    const check = new StepChecker(kiosk, "out-of-service");
    await identify(page, new StepChecker(kiosk, "identify", false), flat);
    await page.getByText("Tylko e-mail", { exact: true }).click();
    await typeEmail(page, "pelny.dysk@wp.pl");
    await page.getByTestId("next").click();
    await page.getByTestId("consent-processing").check();
    await page.getByTestId("consent-email").check();

    fillDisk();
    // Sending the one-time code is a write: the gateway answers 503 OUT_OF_SERVICE.
    await page.getByTestId("next").click();
    const screen = page.getByTestId("out-of-service");
    await screen.waitFor();
    await check.step("screen");
    expect(await screen.textContent()).toContain("biurze");
    // nothing the resident typed stays readable behind it
    expect(await page.locator("#screen").getAttribute("inert")).not.toBeNull();
    expect(await page.getByTestId("offline").count()).toBe(0);

    freeDisk();
    await page.getByTestId("start-enrol").waitFor({ timeout: 20_000 });
    expect(await screen.count()).toBe(0);
    await check.step("back");
    expect(check.problems).toEqual([]);
  }, 90_000);
});
