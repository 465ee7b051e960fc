/** A gateway that goes away mid-flow: the retry screen keeps the resident's data until it is back. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identify, StepChecker, typeEmail } from "./flows.ts";
import { ensureBuilt, type GatewayProcess, type Kiosk, openKiosk, startGatewayProcess } from "./harness.ts";

let gateway: GatewayProcess;
let kiosk: Kiosk;

beforeAll(async () => {
  ensureBuilt();
  gateway = await startGatewayProcess();
  kiosk = await openKiosk(gateway.url, "small");
}, 90_000);

afterAll(async () => {
  await kiosk?.close();
  await gateway?.dispose();
});

describe("a kiosk cut off from its gateway", () => {
  it("shows a retry screen when the gateway stops, keeps what was typed, carries on once it is back, and says at once that the restart ended the session", async () => {
    const page = kiosk.page;
    await kiosk.reset();
    const flat = gateway.flats.find((f) => f.flatCode === "KEL10-A-8")!;
    const check = new StepChecker(kiosk, "offline");
    await identify(page, new StepChecker(kiosk, "identify", false), flat);
    await page.getByText("Tylko e-mail", { exact: true }).click();
    await typeEmail(page, "kept.while.offline@wp.p");
    await gateway.stop();
    await typeEmail(page, "l");
    await page.getByTestId("next").click();
    await page.getByTestId("offline").waitFor();
    await check.step("retry-screen");
    expect(await page.locator("output").first().textContent()).toContain("kept.while.offline@wp.pl");

    await page.getByTestId("offline-retry").click();
    await page.getByTestId("offline").waitFor();
    await gateway.restart();
    await page.getByTestId("offline-retry").click();
    await page.getByTestId("consent-processing").waitFor({ state: "attached" });
    expect(await page.getByTestId("offline").count()).toBe(0);
    // The restarted gateway no longer knows the session: the resident hears so now, before
    // typing anything more, not after the codes on "Potwierdzam".
    await page.getByTestId("session-lapsed").waitFor();
    await check.step("after-retry");
    expect(check.problems).toEqual([]);
  }, 60_000);
});
