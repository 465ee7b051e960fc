import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { demoOwnersRegister } from "../demo/ownersRegister.ts";
import { listOfficeAlerts } from "../services/listOfficeAlerts.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

const demo = demoOwnersRegister();
let gw: TestGateway;

async function session(n = 0): Promise<string> {
  const flat = demo.codes[n];
  const res = await gw.json("POST", "/api/v1/kiosk/identify", {
    flatCode: flat.flatCode,
    surname: flat.surnames[0],
    ownerCode: flat.code,
  });
  expect(res.status).toBe(200);
  return res.body.session;
}

const send = (body: Record<string, unknown>) => gw.json("POST", "/api/v1/verifications", body);
const smsCount = () =>
  (gw.ctx.database.sqlite.query("SELECT count(*) AS n FROM outbox WHERE kind = 'otp'").get() as { n: number }).n;

describe("code SMS only for an identified resident's own contacts", () => {
  beforeEach(async () => {
    gw = await startTestGateway({
      verification: { codesPerSession: 4, contactsPerSession: 2, codesPerDay: 6, codesPerKioskPerHour: 1000 },
    });
  });
  afterEach(() => gw.dispose());

  it("sends nothing without an identified kiosk session", async () => {
    const none = await send({ channel: "sms", to: "+48601111222" });
    expect(none.status).toBe(400);
    const forged = await send({ channel: "sms", to: "+48601111222", session: randomUUID() });
    expect(forged.status).toBe(401);
    expect(smsCount()).toBe(0);
  });

  it("caps the codes and the different contacts of one session, and tells the office", async () => {
    const s = await session();
    expect((await send({ session: s, channel: "sms", to: "600100200" })).status).toBe(201);
    gw.clock.advance(60_000);
    expect((await send({ session: s, channel: "email", to: "jan@example.pl" })).status).toBe(201);
    gw.clock.advance(60_000);
    // A typo corrected: a second number is fine, a third is not this session's contact any more.
    expect((await send({ session: s, channel: "sms", to: "600100201" })).status).toBe(201);
    gw.clock.advance(60_000);
    const third = await send({ session: s, channel: "sms", to: "600100202" });
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: "RATE_LIMITED", details: { scope: "session_contacts" } });
    expect((await send({ session: s, channel: "sms", to: "600100201" })).status).toBe(201);
    gw.clock.advance(60_000);
    const fifth = await send({ session: s, channel: "sms", to: "600100200" });
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.details.scope).toBe("session");
    expect(smsCount()).toBe(4);
    const alerts = listOfficeAlerts(gw.ctx);
    expect(alerts.map((a) => a.kind)).toContain("verification_cap");
    expect(JSON.stringify(alerts)).not.toMatch(/600\s?100|jan@example/);
  });

  it("caps the codes per day for the whole kiosk, across sessions", async () => {
    for (let n = 0; n < 6; n++) {
      const s = await session(n);
      expect((await send({ session: s, channel: "sms", to: `60020030${n}` })).status).toBe(201);
      gw.clock.advance(60_000);
    }
    const over = await send({ session: await session(7), channel: "sms", to: "600200399" });
    expect(over.status).toBe(429);
    expect(over.body.error.details.scope).toBe("day");
    expect(listOfficeAlerts(gw.ctx).some((a) => a.details.scope === "day")).toBe(true);
  });

  it("accepts at enrolment only codes confirmed in the same session", async () => {
    const mine = await session(0);
    const theirs = await session(1);
    const sent = await send({ session: theirs, channel: "email", to: "ktos@example.pl" });
    const text = (
      gw.ctx.database.sqlite.query("SELECT payload FROM outbox WHERE id = ?").get(`otp-${sent.body.id}`) as {
        payload: string;
      }
    ).payload;
    const code = /: (\d{6})\./.exec(JSON.parse(text).text)?.[1];
    expect((await gw.json("POST", `/api/v1/verifications/${sent.body.id}/confirm`, { code })).status).toBe(200);
    const enrol = await gw.json("POST", "/api/v1/kiosk/enrolments", {
      session: mine,
      idempotencyKey: randomUUID(),
      email: "ktos@example.pl",
      channels: ["email"],
      consents: { processing: true, email: true, sms: false },
      consentVersion: gw.config.consent.version,
      verifications: { email: sent.body.id },
    });
    expect(enrol.status).toBe(409);
    expect(enrol.body.error.code).toBe("CONTACT_UNVERIFIED");
  });
});
