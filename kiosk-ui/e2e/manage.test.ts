/** Check my status, update contacts and withdraw (partial, then complete) in real Chromium at 800×480. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolViaApi, identify, registerEvents, StepChecker, typeDigits, typeEmail } from "./flows.ts";
import { codeSentTo, ensureBuilt, type GatewayProcess, type Kiosk, openKiosk, startGatewayProcess } from "./harness.ts";

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

const flatOf = (code: string) => gateway.flats.find((f) => f.flatCode === code)!;

describe("managing an enrolment at the kiosk", () => {
  it("shows the flat's status with masked contacts only", async () => {
    const flat = flatOf("KEL10-A-2");
    await enrolViaApi(gateway.url, flat, { email: "adam.szymanski@wp.pl", mobile: "+48600100302" });
    const page = kiosk.page;
    await kiosk.reset();
    const check = new StepChecker(kiosk, "status");
    await identify(page, check, flat, { start: "start-status" });
    await page.getByTestId("status-box").waitFor();
    await check.step("status");
    expect(await page.getByTestId("status-email").textContent()).toContain("a***@wp.pl");
    expect(await page.getByTestId("status-mobile").textContent()).toContain("+48 *** *** 302");
    expect(await page.locator("body").textContent()).not.toContain("adam.szymanski");
    await page.getByTestId("status-finish").click();
    await page.getByTestId("start-enrol").waitFor();
    expect(check.problems).toEqual([]);
  }, 60_000);

  it("updates the email and keeps an SMS number the resident cannot confirm now as unverified", async () => {
    const flat = flatOf("KEL10-A-3");
    await enrolViaApi(gateway.url, flat, { email: "ewa.krawczyk@wp.pl", mobile: "+48600100303" });
    const page = kiosk.page;
    await kiosk.reset();
    const check = new StepChecker(kiosk, "update");
    await identify(page, new StepChecker(kiosk, "identify", false), flat, { start: "start-update" });
    await page.getByText("E-mail i SMS", { exact: true }).waitFor();
    expect(await page.locator("main").textContent()).toContain("e***@wp.pl");
    await check.step("channels");
    await page.getByText("E-mail i SMS", { exact: true }).click();
    await typeEmail(page, "ewa.k");
    await page.getByRole("button", { name: "@onet.pl" }).click();
    await expect.poll(() => page.getByText("Adres wygląda poprawnie.").isVisible()).toBe(true);
    await page.getByTestId("next").click();
    await typeDigits(page, "600100313");
    await page.getByTestId("next").click();
    for (const id of ["consent-processing", "consent-email", "consent-sms"]) await page.getByTestId(id).check();
    await page.getByTestId("next").click();
    const code = await codeSentTo(gateway.url, "email", "ewa.k@onet.pl");
    await typeDigits(page, code);
    await page.getByTestId("verify-confirm").click();
    await expect.poll(() => page.getByTestId("verify-target").textContent()).toContain("+48 600 100 313");
    await check.step("verify-skip");
    await page.getByTestId("verify-skip").click();
    await page.getByTestId("summary-confirm").waitFor();
    expect(await page.getByTestId("summary-mobile").textContent()).toContain("niepotwierdzony");
    expect(await page.getByTestId("summary-email").textContent()).toContain("ewa.k@onet.pl");
    await check.step("summary");
    await page.getByTestId("summary-confirm").click();
    await page.getByTestId("done-result").waitFor();
    expect(await page.getByTestId("done-result").getAttribute("data-kind")).toBe("contacts_updated");
    await check.step("done");
    await page.getByTestId("done-finish").click();
    await page.getByTestId("start-enrol").waitFor();
    expect(check.problems).toEqual([]);
  }, 60_000);

  it("withdraws from SMS only, then from everything, effective at once", async () => {
    const flat = flatOf("KEL10-A-5");
    await enrolViaApi(gateway.url, flat, { email: "withdraw.me@o2.pl", mobile: "+48600100305" });
    const page = kiosk.page;
    await kiosk.reset();
    const check = new StepChecker(kiosk, "withdraw");
    await identify(page, new StepChecker(kiosk, "identify", false), flat, { start: "start-withdraw" });
    await page.getByTestId("status-box").waitFor();
    await check.step("choose");
    await page.getByText("Tylko z SMS-ów", { exact: true }).click();
    await check.step("confirm");
    await page.getByTestId("withdraw-confirm").click();
    await page.getByTestId("done-result").waitFor();
    expect(await page.getByTestId("done-result").getAttribute("data-kind")).toBe("withdrawn");
    await check.step("done");
    await page.getByTestId("done-finish").click();

    const partial = new StepChecker(kiosk, "withdraw-all");
    await identify(page, new StepChecker(kiosk, "identify", false), flat, { start: "start-withdraw" });
    await page.getByTestId("status-box").waitFor();
    expect(await page.getByTestId("status-mobile").count()).toBe(0);
    expect(await page.getByText("Tylko z SMS-ów", { exact: true }).count()).toBe(0);
    await partial.step("choose");
    await page.getByText("Ze wszystkiego", { exact: true }).click();
    await page.getByTestId("withdraw-confirm").click();
    await page.getByTestId("done-result").waitFor();
    await page.getByTestId("done-finish").click();

    const types = registerEvents(gateway.dataDir, flat.flatCode).map((e) => e.type);
    expect(types[0]).toBe("enrolled");
    expect(types.length).toBe(3);
    const status = new StepChecker(kiosk, "withdrawn-status", false);
    await identify(page, status, flat, { start: "start-status" });
    expect(await page.getByTestId("status-box").getAttribute("data-status")).toBe("withdrawn");
    await page.getByTestId("status-finish").click();
    expect([...check.problems, ...partial.problems]).toEqual([]);
  }, 60_000);
});
