/** Enrolment end to end in real Chromium at 800×480 (the official 7" display), with a real gateway. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identify, registerEvents, StepChecker, typeDigits, typeEmail, typeMobile } from "./flows.ts";
import { codeSentTo, ensureBuilt, type GatewayProcess, type Kiosk, openKiosk, startGatewayProcess } from "./harness.ts";
import { walkThrough } from "./layouts.ts";

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

describe("enrolling at the kiosk", () => {
  it("walks every screen at 800×480 in Polish: no layout shift, every action on screen, axe clean", async () => {
    const problems = await walkThrough(gateway, kiosk, {
      language: "Polski",
      flatCode: "KEL10-A-9",
      email: { local: "small.screen", chip: "@wp.pl" },
      mobile: "601200309",
    });
    expect(problems).toEqual([]);
  }, 90_000);

  it("enrols with a typo fixed, a wrong code explained, both contacts verified, and a printed receipt", async () => {
    const page = kiosk.page;
    const check = new StepChecker(kiosk, "enrol");
    const flat = gateway.flats.find((f) => f.flatCode === "KEL10-A-1")!;
    await check.step("start");
    // Kiosk behaviour: no selection, no zoom, no context menu, no history entries, URL constant.
    const kioskMode = await page.evaluate(() => {
      const menu = new MouseEvent("contextmenu", { bubbles: true, cancelable: true });
      document.body.dispatchEvent(menu);
      return {
        userSelect: getComputedStyle(document.body).userSelect,
        touchAction: getComputedStyle(document.body).touchAction,
        viewport: document.querySelector("meta[name=viewport]")?.getAttribute("content") ?? "",
        contextMenuBlocked: menu.defaultPrevented,
        history: history.length,
      };
    });
    expect(kioskMode.userSelect).toBe("none");
    expect(kioskMode.touchAction).toBe("manipulation");
    expect(kioskMode.viewport).toContain("user-scalable=no");
    expect(kioskMode.contextMenuBlocked).toBe(true);

    await identify(page, check, flat);
    await page.locator('[data-key="both"]').click();

    // A typo in the domain: the gateway suggests the fix, one tap applies it.
    await typeEmail(page, "jan.kowalski@gmial.com");
    await expect.poll(() => page.getByTestId("use-suggestion").isVisible()).toBe(true);
    await check.step("email-suggestion");
    await page.getByTestId("use-suggestion").click();
    await expect.poll(() => page.getByText("Adres wygląda poprawnie.").isVisible()).toBe(true);
    await check.step("email-valid");
    await page.getByTestId("next").click();

    await typeMobile(page, "600100201");
    await expect.poll(() => page.locator("output").first().textContent()).toContain("+48600 100 201");
    await expect.poll(() => page.getByText("Numer wygląda poprawnie.").isVisible()).toBe(true);
    await check.step("mobile");
    await page.getByTestId("next").click();

    await check.step("consent-empty");
    expect(await page.getByTestId("next").isDisabled()).toBe(true);
    for (const id of ["consent-processing", "consent-email", "consent-sms"]) {
      expect(await page.getByTestId(id).isChecked()).toBe(false);
      await page.getByTestId(id).check();
    }
    await check.step("consent-ticked");
    await page.getByTestId("next").click();

    // Email first: a wrong code is explained, then the right one.
    const seen = new Set<string>();
    const emailCode = await codeSentTo(gateway.url, "email", "jan.kowalski@gmail.com", seen);
    await expect.poll(() => page.getByTestId("verify-target").textContent()).toContain("jan.kowalski@gmail.com");
    const wrong = emailCode === "000000" ? "111111" : "000000";
    await typeMobileCode(page, wrong);
    await page.getByTestId("verify-confirm").click();
    await expect.poll(() => page.getByText(/To nie jest ten kod\. Pozostałe próby: \d/).isVisible()).toBe(true);
    expect(await page.getByTestId("verify-resend").textContent()).toMatch(/Nowy kod za \d+ s/);
    await check.step("verify-wrong");
    await typeMobileCode(page, emailCode);
    await page.getByTestId("verify-confirm").click();

    const smsCode = await codeSentTo(gateway.url, "sms", "+48600100201", seen);
    await expect.poll(() => page.getByTestId("verify-target").textContent()).toContain("+48 600 100 201");
    await check.step("verify-sms");
    await typeMobileCode(page, smsCode);
    await page.getByTestId("verify-confirm").click();

    await page.getByTestId("summary-confirm").waitFor();
    await check.step("summary");
    expect(await page.getByTestId("summary-email").textContent()).toContain("jan.kowalski@gmail.com");
    expect(await page.getByTestId("summary-mobile").textContent()).toContain("+48 600 100 201");
    expect(await page.getByTestId("summary-flat").textContent()).toContain("ul. Kelecka 10");

    // The answer to the first confirm is lost on the way back: the retry screen appears, and
    // the retry (same idempotency key) gets the same enrolment, not a second one.
    await page.route("**/api/v1/kiosk/enrolments", async (route) => {
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByTestId("summary-confirm").dblclick();
    await page.getByTestId("offline").waitFor();
    await check.step("offline-retry");
    await page.unroute("**/api/v1/kiosk/enrolments");
    await page.getByTestId("offline-retry").click();

    await page.getByTestId("done-result").waitFor();
    expect(await page.getByTestId("done-result").getAttribute("data-kind")).toBe("enrolled");
    await check.step("done");
    await expect
      .poll(() => page.getByTestId("print-status").getAttribute("data-status"), { timeout: 15_000 })
      .not.toBe("pending");
    await check.step("done-printed");
    expect(registerEvents(gateway.dataDir, flat.flatCode).map((e) => e.type)).toEqual(["enrolled"]);

    await page.getByTestId("done-finish").click();
    await page.getByTestId("start-enrol").waitFor();
    expect(await page.evaluate(() => [history.length, location.pathname, location.search])).toEqual([
      kioskMode.history,
      "/",
      "",
    ]);
    const text = await page.locator("body").textContent();
    expect(text).not.toContain("jan.kowalski");
    expect(check.problems).toEqual([]);
  }, 90_000);
});

const typeMobileCode = typeDigits;
