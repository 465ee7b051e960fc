import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otpCodes, outbox } from "../../db/schema/index.ts";
import { demoOwnersRegister } from "../demo/ownersRegister.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

let gw: TestGateway;

async function codeFromOutbox(verificationId: string): Promise<string> {
  const row = gw.ctx.db
    .select()
    .from(outbox)
    .where(eq(outbox.id, `otp-${verificationId}`))
    .get();
  const text = JSON.parse(row?.payload ?? "{}").text as string;
  const match = /: (\d{6})\./.exec(text);
  if (!match) throw new Error(`no code in ${text}`);
  return match[1];
}

const demo = demoOwnersRegister();
let sessions = 0;

/** Each request from a fresh identified kiosk session (as many residents would ask). */
async function request(channel: "sms" | "email", to: string, language?: "pl" | "en" | "uk") {
  const flat = demo.codes[sessions++ % demo.codes.length];
  const who = await gw.json("POST", "/api/v1/kiosk/identify", {
    flatCode: flat.flatCode,
    surname: flat.surnames[0],
    ownerCode: flat.code,
  });
  return gw.json("POST", "/api/v1/verifications", { session: who.body.session, channel, to, language });
}

async function confirm(id: string, code: string) {
  return gw.json("POST", `/api/v1/verifications/${id}/confirm`, { code });
}

function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

describe("one-time codes", () => {
  beforeAll(async () => {
    gw = await startTestGateway({ verification: { codesPerKioskPerHour: 1000 } });
  });
  afterAll(async () => {
    await gw.dispose();
  });

  it("sends a 6-digit code by SMS with top priority and normalises the number", async () => {
    const res = await request("sms", "600 100 200");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: "sms", to: "+48600100200", resendAfterSeconds: 30 });
    expect(Date.parse(res.body.expiresAt) - gw.clock.now().getTime()).toBe(300_000);
    const row = gw.ctx.db
      .select()
      .from(outbox)
      .where(eq(outbox.id, `otp-${res.body.id}`))
      .get();
    expect(row).toMatchObject({ channel: "sms", kind: "otp", priority: 0, recipient: "+48600100200" });
    const text = JSON.parse(row?.payload ?? "{}").text;
    expect(text).toMatch(/^Kod weryfikacyjny SM Nasz Dom: \d{6}\. Ważny 5 min\.$/);
    const stored = gw.ctx.db.select().from(otpCodes).where(eq(otpCodes.id, res.body.id)).get();
    expect(stored?.codeHash).not.toContain(await codeFromOutbox(res.body.id));
  });

  it("writes the code in the language the resident uses at the kiosk", async () => {
    const texts: Record<string, string> = {};
    for (const [language, to] of [
      ["uk", "600 100 301"],
      ["en", "600 100 302"],
    ] as const) {
      const res = await request("sms", to, language);
      expect(res.status).toBe(201);
      const row = gw.ctx.db
        .select()
        .from(outbox)
        .where(eq(outbox.id, `otp-${res.body.id}`))
        .get();
      texts[language] = JSON.parse(row?.payload ?? "{}").text;
    }
    expect(texts.uk).toMatch(/^Код підтвердження SM Nasz Dom: \d{6}\. Дійсний 5 хв\.$/);
    expect(texts.en).toMatch(/^SM Nasz Dom verification code: \d{6}\. Valid 5 min\.$/);
  });

  it("delivers the code through the SMS simulator, where /dev/sms.json shows it", async () => {
    const res = await request("sms", "+48 600 100 201");
    const code = await codeFromOutbox(res.body.id);
    let listed: Array<{ id: string; to: string; text: string; at: string }> = [];
    for (let i = 0; i < 100 && listed.length === 0; i++) {
      gw.ctx.outbox.poke();
      await new Promise((r) => setTimeout(r, 50));
      listed = (await gw.json("GET", "/dev/sms.json?to=%2B48600100201")).body;
    }
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: `otp-${res.body.id}`, to: "+48600100201" });
    expect(listed[0].text).toContain(code);
  });

  it("confirms the right code once and then refuses it as used", async () => {
    const res = await request("sms", "600100202");
    const code = await codeFromOutbox(res.body.id);
    const ok = await confirm(res.body.id, code);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ verified: true, id: res.body.id, channel: "sms", to: "+48600100202" });
    const row = gw.ctx.db.select().from(otpCodes).where(eq(otpCodes.id, res.body.id)).get();
    expect(row?.confirmedAt).toBe(gw.clock.now().toISOString());
    const again = await confirm(res.body.id, code);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("CODE_USED");
  });

  it("counts wrong codes down and locks the code after five", async () => {
    const res = await request("sms", "600100203");
    const code = await codeFromOutbox(res.body.id);
    for (let left = 4; left >= 0; left--) {
      const wrong = await confirm(res.body.id, wrongCode(code));
      expect(wrong.status).toBe(422);
      expect(wrong.body.error).toMatchObject({ code: "CODE_WRONG", details: { attemptsLeft: left } });
    }
    const locked = await confirm(res.body.id, code);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("TOO_MANY_ATTEMPTS");
  });

  it("expires the code after five minutes", async () => {
    const first = await request("sms", "600100204");
    const code = await codeFromOutbox(first.body.id);
    gw.clock.advance(299_000);
    const second = await request("email", "Jan.Kowalski@WP.pl");
    expect(second.body.to).toBe("jan.kowalski@wp.pl");
    expect((await confirm(first.body.id, code)).status).toBe(200);
    gw.clock.advance(2_000);
    const late = await confirm(second.body.id, await codeFromOutbox(second.body.id));
    expect(late.status).toBe(200);
    gw.clock.advance(300_000);
    const third = await request("sms", "600100205");
    gw.clock.advance(300_000);
    const expired = await confirm(third.body.id, await codeFromOutbox(third.body.id));
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe("CODE_EXPIRED");
  });

  it("refuses a second code within 30 s and a fourth within the hour, with the wait", async () => {
    await request("sms", "600100206");
    const tooSoon = await request("sms", "600100206");
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSeconds: 30 } });
    gw.clock.advance(60_000);
    expect((await request("sms", "600100206")).status).toBe(201);
    gw.clock.advance(60_000);
    expect((await request("sms", "+48600100206")).status).toBe(201);
    gw.clock.advance(60_000);
    const fourth = await request("sms", "600100206");
    expect(fourth.status).toBe(429);
    expect(fourth.body.error).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSeconds: 3600 - 180 } });
    gw.clock.advance(3600_000 - 180_000 + 1000);
    expect((await request("sms", "600100206")).status).toBe(201);
  });

  it("rejects what is not a mobile number or an email address", async () => {
    const landline = await request("sms", "48 362 00 00");
    expect(landline.status).toBe(400);
    expect(landline.body.error.code).toBe("CONTACT_INVALID");
    const email = await request("email", "jan@@wp.pl");
    expect(email.status).toBe(400);
    expect(email.body.error.code).toBe("CONTACT_INVALID");
    const channel = await gw.json("POST", "/api/v1/verifications", {
      channel: "fax",
      to: "1",
      session: "x".repeat(32),
    });
    expect(channel.status).toBe(400);
    expect(channel.body.error.code).toBe("BAD_REQUEST");
    expect((await confirm("nope", "123456")).status).toBe(404);
  });
});

describe("the per-kiosk limit", () => {
  beforeAll(async () => {
    gw = await startTestGateway({ verification: { codesPerKioskPerHour: 6 } });
  });
  afterAll(async () => {
    await gw.dispose();
  });

  it("limits the codes one kiosk may send per hour", async () => {
    for (let i = 0; i < 6; i++) {
      expect((await request("sms", `60010030${i}`)).status).toBe(201);
      gw.clock.advance(60_000);
    }
    const over = await request("email", "someone@example.com");
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({
      code: "RATE_LIMITED",
      details: { scope: "kiosk", retryAfterSeconds: 3600 - 360 },
    });
    gw.clock.advance(3600_000 - 360_000 + 1000);
    expect((await request("email", "someone@example.com")).status).toBe(201);
  });
});
