import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addStaffUser } from "../services/addStaffUser.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { seedOwners } from "../testing/paperRegister.ts";

let gw: TestGateway;
const PASSWORD = "Tajne-Hasło-2026";
let session: { cookie: string; csrf: string };

async function call(method: string, path: string, body?: unknown, auth: Partial<typeof session> = session) {
  const headers: Record<string, string> = { origin: "http://localhost" };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.csrf) headers["x-csrf-token"] = auth.csrf;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await gw.officeApp.request(`http://localhost/office/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
  return { status: res.status, body: (await res.json()) as any, setCookie: res.headers.get("set-cookie") ?? "" };
}

beforeAll(async () => {
  gw = await startTestGateway({}, { demo: false, now: "2026-11-30T10:00:00Z" });
  seedOwners(gw.ctx, 4);
  addStaffUser(gw.ctx, { username: "kasia", displayName: "Katarzyna z biura", password: PASSWORD });
  const login = await call("POST", "/login", { username: "kasia", password: PASSWORD }, {});
  expect(login.status).toBe(200);
  session = { cookie: login.setCookie.split(";")[0], csrf: login.body.csrfToken };
});
afterAll(() => gw.dispose());

const form = {
  flat: "B1-1",
  owner: "Kowalski1",
  email: "Jan.Kowalski@WP.pl",
  channels: ["email"],
  formDate: "2026-11-27",
  formReference: "F/2026/0042",
};

describe("staff console: enter a paper form", () => {
  it("needs a staff session and the CSRF token", async () => {
    expect((await call("POST", "/paper-forms", form, {})).status).toBe(401);
    expect((await call("POST", "/paper-forms", form, { cookie: session.cookie })).status).toBe(403);
  });

  it("writes a paper_form event by the logged-in staff member and emails the resident a confirmation", async () => {
    const res = await call("POST", "/paper-forms", form);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      repeated: false,
      kind: "enrolled",
      confirmation: "email",
      electronicFrom: "2026-12-10T23:00:00.000Z",
    });
    const history = await call("GET", "/flats/B1-1/history");
    expect(history.body.events).toEqual([
      expect.objectContaining({
        seq: res.body.eventSeq,
        type: "enrolled",
        source: "paper_form",
        appliedAt: "2026-11-26T23:00:00.000Z",
        occurredAt: "2026-11-30T10:00:00.000Z",
        payload: expect.objectContaining({
          formReference: "F/2026/0042",
          enteredBy: "Katarzyna z biura (kasia)",
          email: "jan.kowalski@wp.pl",
        }),
      }),
    ]);
    expect(history.body.contacts).toEqual([
      { kind: "email", value: "jan.kowalski@wp.pl", state: "unverified", source: "paper_form" },
    ]);
    const outbox = gw.ctx.database.sqlite
      .query("SELECT channel, kind, recipient FROM outbox WHERE flat_code = 'B1-1'")
      .all();
    expect(outbox).toEqual([{ channel: "email", kind: "notice", recipient: "jan.kowalski@wp.pl" }]);
  });

  it("answers the same form entered twice with the first event and writes nothing new", async () => {
    const before = gw.ctx.register.eventsAfter(0, 100).length;
    const res = await call("POST", "/paper-forms", form);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ repeated: true });
    expect(gw.ctx.register.eventsAfter(0, 100).length).toBe(before);
  });

  it("confirms an SMS-only form by SMS", async () => {
    const res = await call("POST", "/paper-forms", {
      flat: "B1-3",
      owner: "O3",
      mobile: "600 300 300",
      channels: ["sms"],
      formDate: "2026-11-30",
      formReference: "F/2026/0043",
    });
    expect(res.body).toMatchObject({ confirmation: "sms" });
    const sms = gw.ctx.database.sqlite.query("SELECT payload FROM outbox WHERE flat_code = 'B1-3'").all() as Array<{
      payload: string;
    }>;
    expect(sms).toHaveLength(1);
    expect(sms[0].payload).toContain("F/2026/0043");
  });

  it("checks contacts with the kiosk's rules and suggests the likely domain", async () => {
    const check = await call("POST", "/contacts/check", { email: "ewa@gmial.com" });
    expect(check.body.email).toMatchObject({ valid: true, suggestion: "ewa@gmail.com" });
    const bad = await call("POST", "/paper-forms", { ...form, email: "jan@wp", formReference: "F/2026/0050" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "CONTACT_INVALID", details: { field: "email" } });
  });

  it("refuses an unknown flat, a person who is not an owner, a form dated in the future and a reused number", async () => {
    expect((await call("POST", "/paper-forms", { ...form, flat: "X-1" })).body.error.code).toBe("NOT_FOUND");
    expect((await call("POST", "/paper-forms", { ...form, owner: "Zieliński" })).body.error.code).toBe("NOT_ELIGIBLE");
    const future = await call("POST", "/paper-forms", { ...form, formDate: "2026-12-24", formReference: "F/9" });
    expect(future.body.error).toMatchObject({ code: "CONTACT_INVALID", details: { field: "formDate" } });
    const reused = await call("POST", "/paper-forms", { ...form, email: "inny@wp.pl" });
    expect(reused.status).toBe(409);
  });
});
