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

/** How many messages the simulators hold for a recipient. */
async function sentTo(channel: "sms" | "email", to: string): Promise<number> {
  const res = await fetch(`${gateway.url}/dev/${channel === "sms" ? "sms" : "mail"}.json?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as unknown[]).length;
}

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

  it("updates the email and keeps the verified mobile as it is, with no SMS code sent", async () => {
    const flat = flatOf("KEL10-A-3");
    await enrolViaApi(gateway.url, flat, { email: "ewa.krawczyk@wp.pl", mobile: "+48600100303" });
    const smsBefore = await sentTo("sms", "+48600100303");
    const page = kiosk.page;
    await kiosk.reset();
    const check = new StepChecker(kiosk, "update");
    await identify(page, new StepChecker(kiosk, "identify", false), flat, { start: "start-update" });
    await page.getByText("E-mail i SMS", { exact: true }).waitFor();
    expect(await page.locator("main").textContent()).toContain("e***@wp.pl");
    await check.step("channels");
    await page.getByText("E-mail i SMS", { exact: true }).click();
    // Each current contact is offered to keep, masked; the email is typed anew.
    await page.getByText("Zostaw obecny", { exact: true }).waitFor();
    expect(await page.locator("main").textContent()).toContain("e***@wp.pl");
    await check.step("email-keep-or-new");
    await page.getByText("Wpisz nowy adres", { exact: true }).click();
    await typeEmail(page, "ewa.k");
    await page.getByRole("button", { name: "@onet.pl" }).click();
    await expect.poll(() => page.getByText("Adres wygląda poprawnie.").isVisible()).toBe(true);
    await page.getByTestId("next").click();
    await page.getByText("Zostaw obecny", { exact: true }).waitFor();
    expect(await page.locator("main").textContent()).toContain("+48 *** *** 303");
    await check.step("mobile-keep-or-new");
    await page.getByText("Zostaw obecny", { exact: true }).click();
    for (const id of ["consent-processing", "consent-email", "consent-sms"]) await page.getByTestId(id).check();
    await page.getByTestId("next").click();
    const code = await codeSentTo(gateway.url, "email", "ewa.k@onet.pl");
    await typeDigits(page, code);
    await page.getByTestId("verify-confirm").click();
    // Only what changed was verified: straight on to the summary after the email code.
    await page.getByTestId("summary-confirm").waitFor();
    expect(await page.getByTestId("summary-email").textContent()).toContain("ewa.k@onet.pl");
    expect(await page.getByTestId("summary-mobile").textContent()).toContain("+48 *** *** 303");
    expect(await page.getByTestId("summary-mobile").textContent()).toContain("bez zmian");
    await check.step("summary");
    await page.getByTestId("summary-confirm").click();
    await page.getByTestId("done-result").waitFor();
    expect(await page.getByTestId("done-result").getAttribute("data-kind")).toBe("contacts_updated");
    await check.step("done");
    await page.getByTestId("done-finish").click();
    await page.getByTestId("start-enrol").waitFor();
    expect(await sentTo("sms", "+48600100303")).toBe(smsBefore);
    expect(registerEvents(gateway.dataDir, flat.flatCode).map((e) => e.type)).toEqual(["enrolled", "contacts_updated"]);
    expect(check.problems).toEqual([]);
  }, 60_000);

  it("finds a lapsed session as soon as the resident goes on, before anything is typed", async () => {
    const flat = flatOf("KEL10-A-4");
    const page = kiosk.page;
    await kiosk.reset();
    const check = new StepChecker(kiosk, "lapsed");
    const identified = page.waitForResponse((r) => r.url().endsWith("/api/v1/kiosk/identify"));
    identified.catch(() => undefined);
    await identify(page, new StepChecker(kiosk, "identify", false), flat);
    const { session } = await (await identified).json();
    await page.getByText("E-mail i SMS", { exact: true }).waitFor();
    // The gateway forgets the session (as after its idle limit or a restart).
    await fetch(`${gateway.url}/api/v1/kiosk/session/end`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session }),
    });
    await page.getByText("E-mail i SMS", { exact: true }).click();
    await page.getByTestId("session-lapsed").waitFor();
    expect(await page.getByTestId("session-lapsed").textContent()).toContain("Sesja wygasła");
    // Nothing to type into and no other primary action beside the message; the screen behind is hidden.
    expect(await page.locator("#screen").isVisible()).toBe(false);
    expect(await page.locator("#screen").evaluate((el) => (el as HTMLElement).inert)).toBe(true);
    expect(await page.locator("#screen footer button").first().isVisible()).toBe(false);
    await check.step("overlay");
    await page.getByTestId("session-restart").click();
    await page.getByTestId("start-enrol").waitFor();
    expect(await page.locator("body").textContent()).not.toContain(flat.surnames[0]);
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
