/** The staff console at /office/ in real Chromium against a real gateway (demo user). */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureBuilt, type GatewayProcess, startGatewayProcess } from "./harness.ts";

const PASSWORD = "biuro-haslo-2026";
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts");
mkdirSync(ARTIFACTS, { recursive: true });
let gateway: GatewayProcess;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  ensureBuilt();
  gateway = await startGatewayProcess({ STAFF_DEMO_PASSWORD: PASSWORD });
  profile = mkdtempSync(join(tmpdir(), "ekor-staff-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: "pl-PL",
    timezoneId: "Europe/Warsaw",
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await gateway?.dispose();
});

describe("staff console", () => {
  it("refuses a wrong password, then signs in with a session cookie the page cannot read", async () => {
    await page.goto(`${gateway.officeUrl}/office/`);
    await page.getByLabel("Login").fill("biuro");
    await page.getByLabel("Hasło").fill("zle-haslo-123");
    await page.getByRole("button", { name: "Zaloguj" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Pozostałe próby: 4");
    await page.getByLabel("Hasło").fill(PASSWORD);
    await page.getByRole("button", { name: "Zaloguj" }).click();
    await page.getByRole("button", { name: "Rejestr" }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === "ekor_staff");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/office" });
    expect(await page.evaluate(() => document.cookie)).not.toContain("ekor_staff");
  });

  it("searches the register and opens a flat's history", async () => {
    await page.getByRole("searchbox").fill("kelecka 10 kl. a m. 1");
    await expect.poll(() => page.locator("tbody tr").count()).toBeGreaterThan(0);
    await page.locator("tbody tr").first().getByRole("button", { name: "Historia" }).click();
    await page
      .getByText(/Historia lokalu KEL10-A-1/)
      .first()
      .waitFor();
    expect(await page.locator("main").textContent()).not.toContain('{"');
    await page.screenshot({ path: join(ARTIFACTS, "staff-history-1280x800.png"), fullPage: true });
  });

  it("shows the paper list, delivery problems, devices and the chart", async () => {
    await page.getByRole("button", { name: "Poczta na dziś" }).click();
    await page.getByText("Nic do wysłania pocztą.").waitFor();
    expect(await page.getByRole("link", { name: "Pobierz CSV" }).getAttribute("href")).toMatch(
      /paper\.csv\?date=\d{4}-\d{2}-\d{2}/,
    );
    await page.getByRole("button", { name: "Problemy z doręczeniem" }).click();
    await page.getByText(/Brak problemów z doręczeniem/).waitFor();
    await page.getByRole("button", { name: "Urządzenia" }).click();
    await page.getByText("Modem GSM").waitFor();
    await page.getByText("Drukarka paragonów").waitFor();
    await page.getByText(/sterownik: symulator/).waitFor();
    expect(await page.locator("main").textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T|signalPercent|latencyMs/);
    await page.screenshot({ path: join(ARTIFACTS, "staff-devices-1280x800.png"), fullPage: true });
    await page.getByRole("button", { name: "Statystyki" }).click();
    await page.getByRole("img", { name: /Zapisy i udział/ }).waitFor();
    await page.getByText("udział lokali z e-korespondencją").first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "staff-stats-1280x800.png"), fullPage: true });
  });

  it("enters a paper form with the kiosk's typo suggestion, and the flat's history shows it from paper", async () => {
    await page.getByRole("button", { name: "Formularz papierowy" }).click();
    await page.getByLabel("Lokal").fill("KEL10-A-2");
    await page.getByLabel(/Właściciel/).fill("Szymański");
    await page.getByLabel("E-mail", { exact: true }).fill("jan.szymanski@gmial.com");
    await page.getByLabel("Telefon komórkowy").click(); // leaving the email field checks it
    await page.getByRole("button", { name: "jan.szymanski@gmail.com" }).click();
    await page.getByLabel("Data formularza").fill("2021-05-10");
    await page.getByLabel("Numer formularza").fill("F-2021-0042");
    await page.getByRole("button", { name: "Zapisz formularz" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Zapisano formularz dla lokalu");
    expect(await page.getByRole("status").textContent()).toContain("Potwierdzenie wysłano e-mailem.");
    await page.screenshot({ path: join(ARTIFACTS, "staff-paper-form-1280x800.png"), fullPage: true });

    await page.getByRole("button", { name: "Rejestr" }).click();
    await page.getByRole("searchbox").fill("KEL10-A-2");
    await page.locator("tbody tr").first().getByRole("button", { name: "Historia" }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("F-2021-0042");
  });

  it("lists the letter with the office's reason for an enrolment it rejected, the reason under the subject", async () => {
    const today = new Date().toLocaleDateString("en-CA", { timeZone: "Europe/Warsaw" });
    // A paper form of today with a mobile number only: a rejection's reason must go by letter.
    await page.getByRole("button", { name: "Formularz papierowy" }).click();
    await page.getByLabel("Lokal").fill("KEL10-A-3");
    await page.getByLabel(/Właściciel/).fill("Krawczyk");
    await page.getByLabel("Telefon komórkowy").fill("600100233");
    await page.getByRole("checkbox", { name: "SMS" }).check();
    await page.getByRole("checkbox", { name: "e-mail" }).uncheck();
    await page.getByLabel("Data formularza").fill(today);
    await page.getByLabel("Numer formularza").fill("F-2026-0077");
    await page.getByRole("button", { name: "Zapisz formularz" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Zapisano formularz dla lokalu");

    await page.getByRole("button", { name: "Rejestr" }).click();
    await page.getByRole("searchbox").fill("KEL10-A-3");
    await page.locator("tbody tr").first().getByRole("button", { name: "Historia" }).click();
    await page.getByLabel("Powód odrzucenia (trafi do mieszkańca)").fill("Brak aktu notarialnego w aktach lokalu");
    await page.getByRole("button", { name: "Odrzuć zgłoszenie" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Zgłoszenie odrzucone");

    await page.getByRole("button", { name: "Poczta na dziś" }).click();
    await page.getByText("Powód odmowy (wpisać w list): Brak aktu notarialnego w aktach lokalu").waitFor();
    const row = page.locator("tbody tr", { hasText: "Brak aktu notarialnego" });
    expect(await row.textContent()).toMatch(/rejected-\d+.*Zgłoszenie do e-Korespondencji nie zostało przyjęte/);
    await page.screenshot({ path: join(ARTIFACTS, "staff-paper-rejection-1280x800.png"), fullPage: true });
  });

  it("signs out and the session no longer works", async () => {
    await page.getByRole("button", { name: "Wyloguj" }).click();
    await page.getByRole("button", { name: "Zaloguj" }).waitFor();
    const res = await page.request.get(`${gateway.officeUrl}/office/api/me`);
    expect(res.status()).toBe(401);
  });
});
