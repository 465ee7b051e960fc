import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveries, identifyAttempts } from "../../db/schema/index.ts";
import { addStaffUser } from "../services/addStaffUser.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { enrolDirect } from "../testing/office.ts";

let gw: TestGateway;
const PASSWORD = "Tajne-Hasło-2026";

async function call(method: string, path: string, options: { cookie?: string; csrf?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { origin: "http://localhost" };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers["x-csrf-token"] = options.csrf;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await gw.officeApp.request(`http://localhost${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
  return { status: res.status, body: (await res.json()) as any, setCookie: res.headers.get("set-cookie") ?? "" };
}

let session: { cookie: string; csrf: string };

beforeAll(async () => {
  gw = await startTestGateway();
  addStaffUser(gw.ctx, { username: "ewa", displayName: "Ewa z biura", password: PASSWORD });
  const res = await call("POST", "/office/api/login", { body: { username: "ewa", password: PASSWORD } });
  session = { cookie: res.setCookie.split(";")[0], csrf: res.body.csrfToken };
});
afterAll(() => gw.dispose());

const flatsFound = async (q: string) =>
  (await call("GET", `/office/api/register?q=${encodeURIComponent(q)}`, session)).body.rows.map(
    (r: { flat: string }) => r.flat,
  );

describe("the staff console reads as a tool for office staff", () => {
  it("answers an exact flat code with that flat alone", async () => {
    expect(await flatsFound("KEL10-A-2")).toEqual(["KEL10-A-2"]);
    expect(await flatsFound("kel10-a-2")).toEqual(["KEL10-A-2"]);
    expect((await flatsFound("KEL10-A")).slice(0, 3)).toEqual(["KEL10-A-1", "KEL10-A-2", "KEL10-A-3"]);
  });

  it("finds a flat by the address as people say it, without the staircase", async () => {
    const found = await flatsFound("Kościuszki 22 m. 3");
    expect(found[0]).toBe("KOS22-A-3");
    expect(found).toContain("KOS22-B-3");
    expect(found).not.toContain("KOS22-A-30");
    expect(found).not.toContain("KOS22-A-13");
    expect(await flatsFound("kosciuszki 22 m 3")).toEqual(found);
  });

  it("shows a flat's history as Polish sentences, not JSON", async () => {
    enrolDirect(gw, "STR5-A-1", "O-1", { email: "jan@example.pl", mobile: "+48600100200", language: "uk" });
    const history = await call("GET", "/office/api/flats/STR5-A-1/history", session);
    expect(history.body.events[0].description).toBe(
      "Zapis do e-Korespondencji: e-mail i SMS; e-mail jan@example.pl, tel. +48600100200, język: ukraiński.",
    );
  });

  it("shows a locked flat in its history and lets staff unlock it, recording who and when", async () => {
    const at = gw.clock.now().toISOString();
    for (let i = 0; i < gw.config.verification.identifyMaxFailures; i++) {
      gw.ctx.db.insert(identifyAttempts).values({ flatCode: "STR5-A-2", client: "kiosk", at, success: false }).run();
    }
    const before = await call("GET", "/office/api/flats/STR5-A-2/history", session);
    expect(before.body.lock).toMatchObject({ locked: true, failures: gw.config.verification.identifyMaxFailures });
    const unlocked = await call("POST", "/office/api/flats/STR5-A-2/unlock", session);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lock).toMatchObject({ locked: false, unlocks: [{ by: "ewa", at }] });
    const after = await call("GET", "/office/api/flats/STR5-A-2/history", session);
    expect(after.body.lock.unlocks).toEqual([{ by: "ewa", at }]);
    expect((await call("POST", "/office/api/flats/STR5-A-2/unlock", session)).status).toBe(409);
    const withoutCsrf = await call("POST", "/office/api/flats/STR5-A-2/unlock", { cookie: session.cookie });
    expect(withoutCsrf.status).toBe(403);
  });

  it("explains delivery failures in Polish", async () => {
    const at = gw.clock.now().toISOString();
    gw.ctx.db
      .insert(deliveries)
      .values([
        { messageId: "m1", channel: "sms", status: "failed", reason: "sms delivery_failed", at },
        { messageId: "m2", channel: "sms", status: "failed", reason: "text_too_long (4 segments)", at },
      ])
      .run();
    const failures = (await call("GET", "/office/api/failures", session)).body.failures;
    const text = (id: number) => failures.find((f: { seq: number; reasonText: string }) => f.seq === id);
    const texts = failures.map((f: { reasonText: string }) => f.reasonText);
    expect(texts).toContain("operator zgłosił, że SMS nie dotarł (telefon wyłączony, zły lub nieaktywny numer)");
    expect(texts).toContain("tekst za długi na SMS (4 części)");
    expect(text(failures[0].seq).channelText).toBe("SMS");
  });
});
