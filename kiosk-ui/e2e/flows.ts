/** Drives the kiosk like a resident: taps big buttons and on-screen keys, never the keyboard. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { checkStep, codeSentTo, type DemoFlat, type Kiosk } from "./harness.ts";

/** Collects screenshots/layout/axe problems while a flow runs; the test asserts it stays empty. */
export class StepChecker {
  readonly problems: string[] = [];
  constructor(
    readonly kiosk: Kiosk,
    readonly flow: string,
    readonly enabled = true,
  ) {}
  private n = 0;
  async step(name: string): Promise<void> {
    if (!this.enabled) return;
    this.n += 1;
    this.problems.push(...(await checkStep(this.kiosk, this.flow, `${String(this.n).padStart(2, "0")}-${name}`)));
  }
}

export const key = (page: Page, label: string) => page.getByRole("button", { name: label, exact: true });

export const dataKey = (page: Page, value: string) => page.locator(`[data-key="${value}"]`);
export const step = (page: Page) => page.locator("#screen").getAttribute("data-step");

/**
 * Taps an on-screen key by its label with a real pointer event at its centre (looked up afresh for
 * every key, since validation messages can move the keyboard). Much faster than a locator click.
 */
export async function tapKey(page: Page, label: string): Promise<void> {
  const point = await page.evaluate((wanted) => {
    const button = Array.from(document.querySelectorAll<HTMLButtonElement>("fieldset button")).find(
      (b) => !b.disabled && (b.dataset.key === wanted || b.textContent?.trim() === wanted),
    );
    if (!button) return null;
    const r = button.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, label);
  if (!point) throw new Error(`no on-screen key "${label}"`);
  await page.mouse.click(point.x, point.y);
}

export async function tapKeys(page: Page, text: string, layout: "name" | "email" | "digits"): Promise<void> {
  for (const ch of text) await tapKey(page, ch === " " ? "space" : layout === "name" ? ch.toLocaleUpperCase("pl") : ch);
}

export async function identify(
  page: Page,
  check: StepChecker,
  flat: DemoFlat,
  options: { surname?: string; code?: string; start?: string; wrongCodeFirst?: boolean } = {},
): Promise<void> {
  await page.getByTestId(options.start ?? "start-enrol").click();
  await check.step("building");
  await dataKey(page, flat.building).click();
  await page.waitForFunction(() => document.querySelector("#screen")?.getAttribute("data-step") !== "building");
  if ((await step(page)) === "staircase") {
    await check.step("staircase");
    await dataKey(page, flat.staircase).click();
  }
  await check.step("flat");
  await dataKey(page, flat.flatCode).click();
  await tapKeys(page, options.surname ?? flat.surnames[0], "name");
  await check.step("surname");
  await page.getByTestId("next").click();
  if (options.wrongCodeFirst) {
    // A wrong code first: the error appears and goes while the keypad stays where it is.
    await tapKeys(page, flat.code === "000000" ? "111111" : "000000", "digits");
    await page.getByTestId("identify-submit").click();
    await page.locator("[data-tone=error]").waitFor();
    await check.step("owner-code-wrong");
  }
  await tapKeys(page, options.code ?? flat.code, "digits");
  await check.step("owner-code");
  await page.getByTestId("identify-submit").click();
}

export async function typeEmail(page: Page, address: string): Promise<void> {
  await tapKeys(page, address, "email");
}

export async function typeDigits(page: Page, digits: string): Promise<void> {
  await tapKey(page, "clear");
  await tapKeys(page, digits, "digits");
}
export const typeMobile = typeDigits;

/** A whole enrolment through the screens, both contacts verified with codes from the simulators. */
export async function enrolThroughUi(
  page: Page,
  check: StepChecker,
  base: string,
  flat: DemoFlat,
  email: { local: string; chip: string },
  mobileDigits: string,
  options: { walkEverything?: boolean } = {},
): Promise<void> {
  const all = options.walkEverything === true;
  await identify(page, check, flat, { wrongCodeFirst: all });
  await dataKey(page, "both").waitFor();
  await check.step("channels");
  await dataKey(page, "both").click();
  await typeEmail(page, email.local);
  await page.getByRole("button", { name: email.chip, exact: true }).click();
  await page.locator("[data-tone=ok]").waitFor();
  await check.step("email");
  await page.getByTestId("next").click();
  if (all) {
    // A landline is refused: "Next" looks disabled and says why, and tapping it does nothing.
    await typeMobile(page, "483600000");
    await page.locator("[data-tone=error]").waitFor();
    const next = page.getByTestId("next");
    expect(await next.getAttribute("aria-disabled")).toBe("true");
    const reason = page.getByTestId("next-reason");
    expect(await reason.isVisible()).toBe(true);
    expect(await next.getAttribute("aria-describedby")).toBe(await reason.getAttribute("id"));
    expect(await next.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe(
      await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--primary")),
    );
    await check.step("mobile-landline");
    await next.click({ force: true });
    expect(await step(page)).toBe("mobile");
  }
  await typeMobile(page, mobileDigits);
  await page.locator("[data-tone=ok]").waitFor();
  expect(await page.getByTestId("next").getAttribute("aria-disabled")).toBeNull();
  await check.step("mobile");
  await page.getByTestId("next").click();
  await check.step("consent");
  for (const id of ["consent-processing", "consent-email", "consent-sms"]) await page.getByTestId(id).check();
  await page.getByTestId("next").click();
  const address = `${email.local}${email.chip}`;
  if (all) {
    // The way out without a code is explained on every screen size.
    const skip = page.getByTestId("verify-skip");
    const hint = skip.locator("span").nth(1);
    expect(await hint.isVisible()).toBe(true);
    const [box, screen] = [await hint.boundingBox(), page.viewportSize()];
    expect(box && screen && box.y + box.height <= screen.height && box.height > 0).toBe(true);
  }
  await typeDigits(page, await codeSentTo(base, "email", address));
  await check.step("verify-email");
  await page.getByTestId("verify-confirm").click();
  await page
    .getByText(`+48 ${mobileDigits.replace(/(\d{3})(?=\d)/g, "$1 ")}`)
    .first()
    .waitFor();
  // The SMS step begins by saying that the email code worked.
  expect(await page.locator("[data-tone=ok]").textContent()).toContain(
    { pl: "adres e-mail potwierdzony", en: "email address confirmed", uk: "адресу e-mail підтверджено" }[
      (await page.locator("html").getAttribute("lang")) as "pl"
    ],
  );
  if (all) await check.step("verify-sms-start");
  await typeDigits(page, await codeSentTo(base, "sms", `+48${mobileDigits}`));
  await check.step("verify-sms");
  await page.getByTestId("verify-confirm").click();
  await page.getByTestId("summary-confirm").waitFor();
  await check.step("summary");
  await page.getByTestId("summary-confirm").click();
  await page.getByTestId("done-result").waitFor();
  await check.step("done");
}

/** Counts register events for a flat straight from the gateway's SQLite file (read-only). */
export function registerEvents(dataDir: string, flatCode: string): Array<{ type: string; ownerId: string }> {
  const out = execFileSync("sqlite3", [
    "-readonly",
    "-separator",
    "|",
    join(dataDir, "gateway.sqlite"),
    `SELECT type, owner_id FROM register_events WHERE flat_code = '${flatCode.replace(/'/g, "")}' ORDER BY seq`,
  ]).toString();
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [type, ownerId] = line.split("|");
      return { type, ownerId };
    });
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the gateway, read field by field in tests
async function postJson(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Sets up an enrolment through the API (the precondition of update/withdraw tests), codes read from the simulators. */
export async function enrolViaApi(
  base: string,
  flat: DemoFlat,
  contacts: { email?: string; mobile?: string },
  surname = flat.surnames[0],
): Promise<void> {
  const api = `${base}/api/v1`;
  const who = await postJson(`${api}/kiosk/identify`, { flatCode: flat.flatCode, surname, ownerCode: flat.code });
  const verifications: Record<string, string> = {};
  const channels: Array<"email" | "sms"> = [];
  for (const [channel, to] of [
    ["email", contacts.email],
    ["sms", contacts.mobile],
  ] as const) {
    if (!to) continue;
    channels.push(channel);
    const started = await postJson(`${api}/verifications`, { session: who.session, channel, to });
    const code = await codeSentTo(base, channel, to);
    await postJson(`${api}/verifications/${started.id}/confirm`, { code });
    verifications[channel] = started.id;
  }
  await postJson(`${api}/kiosk/enrolments`, {
    session: who.session,
    idempotencyKey: crypto.randomUUID(),
    ...contacts,
    channels,
    consents: { processing: true, email: channels.includes("email"), sms: channels.includes("sms") },
    consentVersion: "2021-08-v1",
    verifications,
    language: "pl",
  });
  await postJson(`${api}/kiosk/session/end`, { session: who.session });
}
