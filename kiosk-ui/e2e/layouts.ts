/** One enrolment and one status check through every screen at a given size and language, with screenshots. */
import { expect } from "vitest";
import { dataKey, enrolThroughUi, identify, StepChecker } from "./flows.ts";
import type { GatewayProcess, Kiosk } from "./harness.ts";

export async function walkThrough(
  gateway: GatewayProcess,
  kiosk: Kiosk,
  options: { language: string; flatCode: string; email: { local: string; chip: string }; mobile: string },
): Promise<string[]> {
  const page = kiosk.page;
  await kiosk.reset();
  const flat = gateway.flats.find((f) => f.flatCode === options.flatCode)!;
  const check = new StepChecker(kiosk, "walk");
  await check.step("start-pl");
  await page.getByRole("button", { name: options.language, exact: true }).click();
  await check.step("start");
  await enrolThroughUi(page, check, gateway.url, flat, options.email, options.mobile, { walkEverything: true });
  await page.getByTestId("print-status").and(page.locator(":not([data-status=pending])")).waitFor({ timeout: 15_000 });
  await check.step("done-printed");
  await page.getByTestId("done-finish").click();
  await page.getByTestId("start-enrol").waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("pl");

  await page.getByRole("button", { name: options.language, exact: true }).click();
  const status = new StepChecker(kiosk, "walk-status");
  await identify(page, new StepChecker(kiosk, "identify", false), flat, { start: "start-status" });
  await page.getByTestId("status-box").waitFor();
  await status.step("status");
  await page.getByTestId("status-finish").click();

  await page.getByRole("button", { name: options.language, exact: true }).click();
  const withdraw = new StepChecker(kiosk, "walk-withdraw");
  await identify(page, new StepChecker(kiosk, "identify", false), flat, { start: "start-withdraw" });
  await dataKey(page, "sms").waitFor();
  await withdraw.step("choose");
  await dataKey(page, "sms").click();
  await withdraw.step("confirm");
  await page.getByTestId("withdraw-confirm").click();
  await page.getByTestId("done-result").waitFor();
  await withdraw.step("done");
  await page.getByTestId("done-finish").click();
  return [...check.problems, ...status.problems, ...withdraw.problems];
}
