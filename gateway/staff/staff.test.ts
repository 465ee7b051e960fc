import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addStaffUser } from "../services/addStaffUser.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { enrolDirect } from "../testing/office.ts";
import { DEMO_STAFF_USER } from "./start.ts";

let gw: TestGateway;
const PASSWORD = "Tajne-Hasło-2026";

async function call(
  method: string,
  path: string,
  options: { cookie?: string; csrf?: string; body?: unknown; origin?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers["x-csrf-token"] = options.csrf;
  if (options.origin) headers.origin = options.origin;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await gw.officeApp.request(`http://localhost${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV or HTML
  }
  return {
    status: res.status,
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
    body: body as any,
    setCookie: res.headers.get("set-cookie") ?? "",
    headers: res.headers,
  };
}

async function login(username = "kasia", password = PASSWORD) {
  const res = await call("POST", "/office/api/login", { body: { username, password }, origin: "http://localhost" });
  const cookie = res.setCookie.split(";")[0];
  return { ...res, cookie, csrf: res.body?.csrfToken as string };
}

beforeAll(async () => {
  gw = await startTestGateway();
  addStaffUser(gw.ctx, { username: "kasia", displayName: "Katarzyna z biura", password: PASSWORD });
});
afterAll(() => gw.dispose());

describe("staff console login", () => {
  it("opens a session with an HttpOnly, Secure, SameSite=Strict cookie and a CSRF token", async () => {
    const res = await login();
    expect(res.status).toBe(200);
    expect(res.setCookie).toMatch(/^ekor_staff=[\w-]{40,};/);
    expect(res.setCookie).toMatch(/HttpOnly/);
    expect(res.setCookie).toMatch(/Secure/);
    expect(res.setCookie).toMatch(/SameSite=Strict/);
    expect(res.setCookie).toMatch(/Path=\/office/);
    const me = await call("GET", "/office/api/me", { cookie: res.cookie });
    expect(me.body).toMatchObject({
      user: { username: "kasia", displayName: "Katarzyna z biura" },
      csrfToken: res.csrf,
    });
  });

  it("refuses the API without a session and a login from another site", async () => {
    expect((await call("GET", "/office/api/register")).status).toBe(401);
    expect((await call("GET", "/office/api/me", { cookie: "ekor_staff=forged" })).status).toBe(401);
    const cross = await call("POST", "/office/api/login", {
      body: { username: "kasia", password: PASSWORD },
      origin: "https://evil.example",
    });
    expect(cross.status).toBe(403);
  });

  it("requires the CSRF token for changes", async () => {
    const { cookie, csrf } = await login();
    const seq = enrolDirect(gw, "KEL10-A-3", "O0003", { email: "z@example.pl" }).seq;
    const body = { flat: "KEL10-A-3", seq, reason: "To nie jest właściciel" };
    expect((await call("POST", "/office/api/decisions", { cookie, body })).status).toBe(403);
    expect((await call("POST", "/office/api/decisions", { cookie, body, csrf: "wrong" })).status).toBe(403);
    const ok = await call("POST", "/office/api/decisions", { cookie, body, csrf });
    expect(ok.status).toBe(201);
    expect(ok.body.event.type).toBe("office_rejected");
  });

  it("makes the same device wait after 5 wrong passwords, longer after each further one", async () => {
    addStaffUser(gw.ctx, { username: "marek", password: PASSWORD });
    for (let i = 1; i <= 5; i++) {
      const r = await login("marek", "zle-haslo-123");
      expect(r.status).toBe(401);
      expect(r.body.error.details.attemptsLeft).toBe(5 - i);
    }
    const waiting = await login("marek", PASSWORD);
    expect(waiting.status).toBe(429);
    expect(waiting.body.error.details.retryAfterSeconds).toBe(30);
    gw.clock.advance(30_000);
    expect((await login("marek", "zle-haslo-123")).status).toBe(401);
    expect((await login("marek", PASSWORD)).body.error.details.retryAfterSeconds).toBe(60);
    gw.clock.advance(60_000);
    expect((await login("marek", PASSWORD)).status).toBe(200);
    expect((await login("nikt", PASSWORD)).status).toBe(401);
  });

  it("ends the session on logout and after it expires", async () => {
    const a = await login();
    expect((await call("POST", "/office/api/logout", { cookie: a.cookie, csrf: a.csrf })).status).toBe(200);
    expect((await call("GET", "/office/api/me", { cookie: a.cookie })).status).toBe(401);
    const b = await login();
    gw.clock.advance(8 * 3_600_000 + 1000);
    expect((await call("GET", "/office/api/me", { cookie: b.cookie })).status).toBe(401);
  });

  it("creates the documented demo user in demo mode", async () => {
    const r = await login(DEMO_STAFF_USER, gw.config.staff.demoPassword);
    expect(r.status).toBe(200);
  });
});

describe("staff console data", () => {
  it("searches the register by surname without diacritics and shows a flat's history", async () => {
    const { cookie } = await login();
    enrolDirect(gw, "KEL10-A-1", "O0001", { email: "anna@example.pl", mobile: "+48600100200" });
    const found = await call("GET", "/office/api/register?q=kowalska", { cookie });
    expect(found.status).toBe(200);
    const row = found.body.rows.find((r: { flat: string }) => r.flat === "KEL10-A-1");
    expect(row).toMatchObject({ status: "active", email: "anna@example.pl", channels: ["email", "sms"] });
    expect(found.body.rows.every((r: { owners: string[] }) => r.owners.some((o) => /kowalsk/i.test(o)))).toBe(true);
    const history = await call("GET", "/office/api/flats/KEL10-A-1/history", { cookie });
    expect(history.body.events.map((e: { type: string }) => e.type)).toContain("enrolled");
  });

  it("gives the paper list as CSV, delivery failures, device state and the chart's days", async () => {
    const { cookie } = await login();
    const csv = await call("GET", "/office/api/paper.csv", { cookie });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(String(csv.body)).toContain("correspondence_id,flat,address");
    expect((await call("GET", "/office/api/failures", { cookie })).body.failures).toBeInstanceOf(Array);
    const devices = await call("GET", "/office/api/devices", { cookie });
    expect(Object.keys(devices.body.parts)).toEqual(expect.arrayContaining(["modem", "printer"]));
    const stats = await call("GET", "/office/api/stats?days=30", { cookie });
    expect(stats.body.days).toHaveLength(30);
    const last = stats.body.days[29];
    expect(last.electronicFlats).toBe(1);
    expect(last.electronicShare).toBeCloseTo(1 / 120, 5);
    expect(last.enrolments).toBeGreaterThanOrEqual(1);
  });
});

describe("the staff console's paper list", () => {
  it("lists the letter with the office's reason for a rejected enrolment without email, the reason only in the signed-in JSON", async () => {
    const { cookie, csrf } = await login();
    const seq = enrolDirect(gw, "KEL10-A-9", "O0009", { mobile: "+48600100209" }).seq;
    const reason = "Brak aktu notarialnego w aktach lokalu";
    const decided = await call("POST", "/office/api/decisions", {
      cookie,
      csrf,
      body: { flat: "KEL10-A-9", seq, reason },
    });
    expect(decided.status).toBe(201);
    const list = await call("GET", "/office/api/paper?date=2026-03-02", { cookie });
    const item = list.body.items.find((i: { flat: string }) => i.flat === "KEL10-A-9");
    expect(item).toMatchObject({
      correspondence_id: `rejected-${decided.body.event.seq}`,
      category: "rejection_notice",
      reason: "rejection_reason_by_letter",
      // staff read why in Polish, not as a code
      reason_text: "powód odmowy trzeba wysłać listem (brak e-maila)",
      rejection_reason: reason,
    });
    expect(item.letter_text).toContain(`Powód: ${reason}`);
    const csv = String((await call("GET", "/office/api/paper.csv?date=2026-03-02", { cookie })).body);
    expect(csv).toContain(`rejected-${decided.body.event.seq},KEL10-A-9,`);
    expect(csv).not.toContain(reason);
    expect((await call("GET", "/office/api/paper?date=2026-03-02")).status).toBe(401);
  });
});
