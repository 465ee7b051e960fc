/** Drives the kiosk like a resident: taps big buttons and on-screen keys, never the keyboard. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Page } from "playwright-core";
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

export async function tapKeys(page: Page, text: string, layout: "name" | "email" | "digits"): Promise<void> {
  for (const ch of text) {
    const label = layout === "name" ? ch.toLocaleUpperCase("pl") : ch;
    await key(page, label === " " ? "Spacja" : label).click();
  }
}

export async function identify(
  page: Page,
  check: StepChecker,
  flat: DemoFlat,
  options: { surname?: string; code?: string; start?: string } = {},
): Promise<void> {
  await page.getByTestId(options.start ?? "start-enrol").click();
  await check.step("building");
  const address = flat.label.replace(/ kl\. .*$/, "");
  await page.getByRole("button", { name: address }).click();
  await page.waitForFunction(() => document.querySelector("h1")?.textContent !== "Wybierz swój budynek");
  if ((await page.locator("h1").textContent()) === "Wybierz klatkę schodową") {
    await check.step("staircase");
    await key(page, `Klatka ${flat.staircase}`).click();
  }
  await check.step("flat");
  await page.locator("fieldset").getByRole("button", { name: flat.number, exact: true }).click();
  await tapKeys(page, options.surname ?? flat.surnames[0], "name");
  await check.step("surname");
  await page.getByTestId("next").click();
  await tapKeys(page, options.code ?? flat.code, "digits");
  await check.step("owner-code");
  await page.getByTestId("identify-submit").click();
}

export async function typeEmail(page: Page, address: string): Promise<void> {
  await tapKeys(page, address, "email");
}

export async function typeMobile(page: Page, digits: string): Promise<void> {
  await key(page, "Wyczyść").click();
  await tapKeys(page, digits, "digits");
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
    const started = await postJson(`${api}/verifications`, { channel, to });
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
