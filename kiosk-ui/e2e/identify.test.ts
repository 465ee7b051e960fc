/** Identification failures and co-owners, in real Chromium at 800×480. */

import jsQR from "jsqr";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolViaApi, identify, registerEvents, StepChecker, tapKeys, typeEmail } from "./flows.ts";
import { ensureBuilt, freePort, type GatewayProcess, type Kiosk, openKiosk, startGatewayProcess } from "./harness.ts";

let gateway: GatewayProcess;
let kiosk: Kiosk;

beforeAll(async () => {
  ensureBuilt();
  // A printer that refuses connections: the receipt's QR must appear on screen instead.
  gateway = await startGatewayProcess({ EK__printer__uri: `tcp://127.0.0.1:${await freePort()}` });
  kiosk = await openKiosk(gateway.url, "small");
}, 90_000);

afterAll(async () => {
  await kiosk?.close();
  await gateway?.dispose();
});

describe("identifying at the kiosk", () => {
  it("answers a wrong code with the same words as a wrong surname, then cools down after 5 failures", async () => {
    const flat = gateway.flats.find((f) => f.flatCode === "KEL10-A-6")!;
    const page = kiosk.page;
    const check = new StepChecker(kiosk, "identify-failed");
    const wrongCode = flat.code === "000000" ? "111111" : "000000";
    await identify(page, check, flat, { code: wrongCode });
    const message = page.locator("[data-tone=error]");
    await message.waitFor();
    const wrongCodeText = await message.textContent();
    expect(wrongCodeText).toContain("Nie udało się potwierdzić tych danych.");
    expect(wrongCodeText).toContain("Pozostałe próby: 4.");
    await check.step("wrong-code");

    // A wrong surname with the right code: the same message (only the count moves).
    await page.getByRole("button", { name: "Wstecz" }).click();
    for (let i = 0; i < 20; i++) await page.locator('[data-key="backspace"]').click();
    await tapKeys(page, "Nieznany", "name");
    await page.getByTestId("next").click();
    await tapKeys(page, flat.code, "digits");
    await page.getByTestId("identify-submit").click();
    await expect.poll(() => message.textContent()).toContain("Pozostałe próby: 3.");
    expect((await message.textContent())?.replace(/\d/g, "#")).toBe(wrongCodeText?.replace(/\d/g, "#"));

    for (const left of [2, 1]) {
      await tapKeys(page, wrongCode, "digits");
      await page.getByTestId("identify-submit").click();
      await expect.poll(() => message.textContent()).toContain(`Pozostałe próby: ${left}.`);
    }
    // The fifth failure itself brings the cool-down message, never "try again … 0 attempts left".
    await tapKeys(page, wrongCode, "digits");
    await page.getByTestId("identify-submit").click();
    await expect.poll(() => message.textContent()).toContain("Zbyt wiele nieudanych prób dla tego mieszkania");
    expect(await message.textContent()).not.toContain("Pozostałe próby");
    expect(await message.textContent()).toContain("za 15 minut");
    expect(await page.getByTestId("identify-submit").count()).toBe(0);
    expect(await page.getByTestId("identify-finish").isEnabled()).toBe(true);
    await check.step("cooldown");
    await page.getByRole("button", { name: "Przerwij" }).click();
    await page.getByTestId("start-enrol").waitFor();
    expect(check.problems).toEqual([]);
  }, 60_000);

  it("lets a second co-owner take over as the flat's recipient, warning first; a printer problem shows the receipt's QR", async () => {
    const flat = gateway.flats.find((f) => f.surnames.length > 1)!;
    await enrolViaApi(gateway.url, flat, { email: "first.owner@wp.pl" }, flat.surnames[0]);
    const page = kiosk.page;
    await kiosk.reset();
    const check = new StepChecker(kiosk, "co-owner");
    await identify(page, new StepChecker(kiosk, "identify", false), flat, { surname: flat.surnames[1] });
    await page.getByRole("note").waitFor();
    expect(await page.getByRole("note").textContent()).toContain("inny współwłaściciel");
    await check.step("replace-warning");
    await page.getByText("Tylko e-mail", { exact: true }).click();
    await typeEmail(page, "second.owner");
    await page.getByRole("button", { name: "@interia.pl" }).click();
    await page.getByText("Adres wygląda poprawnie.").waitFor();
    await page.getByTestId("next").click();
    expect(await page.getByTestId("consent-sms").count()).toBe(0);
    await page.getByTestId("consent-processing").check();
    await page.getByTestId("consent-email").check();
    await page.getByTestId("next").click();
    await page.getByTestId("verify-skip").click();
    await page.getByTestId("summary-confirm").click();
    await page.getByTestId("done-result").waitFor();
    expect(await page.getByTestId("done-result").getAttribute("data-kind")).toBe("recipient_replaced");
    await page.getByTestId("receipt-qr").locator("svg").waitFor({ timeout: 40_000 });
    expect(await page.getByTestId("print-status").getAttribute("data-status")).toBe("failed");
    expect(await page.getByTestId("print-status").textContent()).toContain("Biuro wyśle też potwierdzenie pocztą");
    await check.step("done-qr");
    // The QR on screen is the signed receipt: it decodes and the gateway verifies it.
    const png = PNG.sync.read(await page.getByTestId("receipt-qr").screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBeTruthy();
    const verdict = await (
      await fetch(`${gateway.url}/api/v1/receipts/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ qr: decoded!.data }),
      })
    ).json();
    expect(verdict.valid).toBe(true);
    const events = registerEvents(gateway.dataDir, flat.flatCode);
    expect(events.map((e) => e.type)).toEqual(["enrolled", "recipient_replaced"]);
    expect(events[0].ownerId).not.toBe(events[1].ownerId);
    await page.getByTestId("done-finish").click();
    expect(check.problems).toEqual([]);
  }, 60_000);
});
