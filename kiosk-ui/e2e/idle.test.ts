/** Idle warning and wipe in real Chromium: nothing personal is left in the DOM, storage, history or the gateway. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identify, StepChecker, typeEmail } from "./flows.ts";
import { ensureBuilt, type GatewayProcess, type Kiosk, openKiosk, startGatewayProcess } from "./harness.ts";

let gateway: GatewayProcess;
let kiosk: Kiosk;

beforeAll(async () => {
  ensureBuilt();
  // The shortest idle times the config allows, so the test waits seconds, not a minute.
  gateway = await startGatewayProcess({ EK__kiosk__idleWarnSeconds: "5", EK__kiosk__idleWipeSeconds: "15" });
  kiosk = await openKiosk(gateway.url, "small");
}, 90_000);

afterAll(async () => {
  await kiosk?.close();
  await gateway?.dispose();
});

describe("a kiosk left alone", () => {
  it("warns with a countdown, then wipes everything personal and ends the session", async () => {
    const page = kiosk.page;
    await kiosk.reset();
    const flat = gateway.flats.find((f) => f.flatCode === "KEL10-A-7")!;
    const check = new StepChecker(kiosk, "idle");
    const historyBefore = await page.evaluate(() => history.length);
    const identified = page.waitForResponse((r) => r.url().endsWith("/api/v1/kiosk/identify"));
    identified.catch(() => undefined);
    // No screenshots on the way: with a 5 s warning they would let the kiosk go idle.
    await identify(page, new StepChecker(kiosk, "idle", false), flat);
    const { session, owner } = await (await identified).json();
    await page.getByText("E-mail i SMS", { exact: true }).click();
    await typeEmail(page, "very.private@wp.pl");

    // Touching "continue" during the warning keeps everything.
    await page.getByTestId("idle-warning").waitFor({ timeout: 12_000 });
    expect(await page.getByTestId("idle-warning").textContent()).toMatch(/Za \d+ s wrócimy do ekranu startowego/);
    // The half-typed address is not readable behind the warning.
    expect(await page.locator("output").first().isVisible()).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector("#screen")!).visibility)).toBe("hidden");
    await check.step("warning");
    await page.getByTestId("idle-continue").click();
    expect(await page.getByTestId("idle-warning").count()).toBe(0);
    expect(await page.locator("output").first().textContent()).toContain("very.private@wp.pl");
    expect(await page.locator("output").first().isVisible()).toBe(true);

    await page.getByTestId("idle-warning").waitFor({ timeout: 12_000 });
    await page.getByTestId("start-enrol").waitFor({ timeout: 12_000 });
    await check.step("wiped");

    const left = await page.evaluate(() => ({
      html: document.documentElement.outerHTML,
      local: localStorage.length,
      session: sessionStorage.length,
      history: history.length,
      url: location.href,
      state: history.state,
    }));
    for (const personal of ["very.private", owner.surname, owner.firstName, flat.code, flat.label]) {
      expect(left.html, personal).not.toContain(personal);
    }
    expect(left.local).toBe(0);
    expect(left.session).toBe(0);
    // The app never pushes history entries: nothing to go "back" to with data in it.
    expect(left.history).toBe(historyBefore);
    expect(left.state).toBeNull();
    expect(left.url).toBe(`${gateway.url}/`);
    // The gateway forgot the session too.
    await expect
      .poll(async () => (await fetch(`${gateway.url}/api/v1/kiosk/status?session=${session}`)).status)
      .toBe(401);
    expect(check.problems).toEqual([]);
  }, 60_000);
});
