import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addStaffUser } from "../services/addStaffUser.ts";
import { listOfficeAlerts } from "../services/listOfficeAlerts.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

const PASSWORD = "Tajne-Hasło-2026";
const USER_MAX = 8;
let gw: TestGateway;

/** A login as if it came from `address`, with the cookies a browser on that device would send. */
async function login(username: string, password: string, from: string, cookie = "") {
  const res = await gw.officeApp.request(
    "http://localhost/office/api/login",
    {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ username, password }),
    },
    { requestIP: () => ({ address: from, family: "IPv4", port: 40000 }) },
  );
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
  const body = (await res.json()) as any;
  const cookies = res.headers.getSetCookie();
  return { status: res.status, body, headers: res.headers, cookies };
}

/** The device cookie a browser keeps after a login (name=value only). */
const deviceCookie = (cookies: string[]) => cookies.find((c) => c.startsWith("ekor_device_"))?.split(";")[0] ?? "";

/** One wrong password for `user` from each of `devices` new LAN addresses. */
async function spreadGuesses(user: string, devices: number, subnet: string) {
  const statuses: number[] = [];
  for (let i = 0; i < devices; i++) statuses.push((await login(user, "zle-haslo-123", `${subnet}.${i}`)).status);
  return statuses;
}

beforeAll(async () => {
  gw = await startTestGateway({ staff: { userMaxFailures: USER_MAX } }, { demo: false });
  addStaffUser(gw.ctx, { username: "ola", password: PASSWORD });
  addStaffUser(gw.ctx, { username: "kasia", password: PASSWORD });
  addStaffUser(gw.ctx, { username: "ewa", password: PASSWORD });
});
afterAll(() => gw.dispose());

describe("one user's protection across devices", () => {
  it("does not let guesses spread over many devices go on without limit for one user", async () => {
    const statuses = await spreadGuesses("ola", 30, "10.40.0");
    expect(statuses.filter((s) => s === 401)).toHaveLength(USER_MAX);
    expect(statuses.slice(USER_MAX).every((s) => s === 429)).toBe(true);

    // The delay grows: after waiting it out, one more guess, then a longer wait.
    const first = await login("ola", "zle-haslo-123", "10.41.0.1");
    const wait1 = Number(first.headers.get("retry-after"));
    expect(first.status).toBe(429);
    gw.clock.advance(wait1 * 1000);
    expect((await login("ola", "zle-haslo-123", "10.41.0.2")).status).toBe(401);
    const second = await login("ola", "zle-haslo-123", "10.41.0.3");
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(wait1);

    // An unknown name gets the same treatment, so the answers do not tell who exists.
    const unknown = await spreadGuesses("nikt-taki", 30, "10.42.0");
    expect(unknown).toEqual(statuses);

    // The office hears of it; a name nobody has is not repeated (a stranger may type anything).
    const alerts = listOfficeAlerts(gw.ctx).filter((a) => a.kind === "staff_user_guessing");
    expect(alerts.map((a) => a.details.user)).toEqual(["(unknown name)", "ola"]);
    expect(JSON.stringify(alerts)).not.toContain("nikt-taki");
  });

  it("lets the real user in from a device that logged in before while the user is under attack", async () => {
    const before = await login("kasia", PASSWORD, "10.0.0.9");
    expect(before.status).toBe(200);
    const cookie = deviceCookie(before.cookies);
    expect(cookie).toMatch(/^ekor_device_\w+=.{20,}/);
    const flags = before.cookies.find((c) => c.startsWith("ekor_device_")) ?? "";
    expect(flags).toMatch(/HttpOnly/);
    expect(flags).toMatch(/SameSite=Strict/);

    await spreadGuesses("kasia", 30, "10.43.0");
    // A device that never logged in as kasia waits, even with the right password…
    expect((await login("kasia", PASSWORD, "10.44.0.1")).status).toBe(429);
    // …and so does one that shows another user's device cookie or a forged one.
    const ewa = deviceCookie((await login("ewa", PASSWORD, "10.0.0.10")).cookies);
    expect(
      (await login("kasia", PASSWORD, "10.0.0.10", ewa.replace(/^ekor_device_\w+/, cookie.split("=")[0]))).status,
    ).toBe(429);
    expect((await login("kasia", PASSWORD, "10.0.0.11", `${cookie.slice(0, -4)}AAAA`)).status).toBe(429);
    // Kasia's own browser gets in, even after its address changed.
    expect((await login("kasia", PASSWORD, "10.0.0.9", cookie)).status).toBe(200);
    expect((await login("kasia", PASSWORD, "10.0.0.77", cookie)).status).toBe(200);
  });
});
