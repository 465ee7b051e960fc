import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { contacts, kioskRequests, otpCodes, outbox, registerEvents } from "../../db/schema/index.ts";
import { demoOwnersRegister } from "../demo/ownersRegister.ts";
import { ANNOUNCEMENT_CHANNELS } from "../domain/categories.ts";
import { channelTexts } from "../domain/channelSentences.ts";
import { importOwners } from "../services/importOwners.ts";
import { sessionKeyOf } from "../services/kioskSessions.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

const demo = demoOwnersRegister();
const single = demo.codes.find((c) => c.surnames.length === 1)!;
const shared = demo.codes.find((c) => c.surnames.length === 2)!;

describe("kiosk API", () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(() => gw.dispose());

  const identify = (flat = single, surname = flat.surnames[0], ownerCode = flat.code) =>
    gw.json("POST", "/api/v1/kiosk/identify", { flatCode: flat.flatCode, surname, ownerCode });

  /** Records a confirmed one-time code the way the verification service does. */
  function confirmedCode(channel: "email" | "sms", contact: string, session: string): string {
    const id = randomUUID();
    const now = gw.clock.now().toISOString();
    gw.ctx.db
      .insert(otpCodes)
      .values({
        id,
        channel,
        contact,
        codeHash: "x",
        kioskId: "K1",
        sessionKey: sessionKeyOf(session),
        createdAt: now,
        expiresAt: now,
        confirmedAt: now,
      })
      .run();
    return id;
  }

  async function enrolBoth(
    session: string,
    email = "jan.kowalski@gmail.com",
    mobile = "600 100 200",
    key = randomUUID(),
    language = "pl",
  ) {
    return gw.json("POST", "/api/v1/kiosk/enrolments", {
      session,
      idempotencyKey: key,
      email,
      mobile,
      channels: ["email", "sms"],
      consents: { processing: true, email: true, sms: true },
      consentVersion: gw.config.consent.version,
      verifications: {
        email: confirmedCode("email", email, session),
        sms: confirmedCode("sms", "+48600100200", session),
      },
      language,
    });
  }

  it("describes the rules and the buildings for the start screen", async () => {
    const config = await gw.json("GET", "/api/v1/kiosk/config");
    expect(config.body).toMatchObject({
      graceDays: 14,
      paymentDemandsOnPaper: true,
      electronicStartDate: "2021-09-01",
    });
    expect(config.body.consent.texts.pl.processing).toMatch(/zgod/);
    const dir = await gw.json("GET", "/api/v1/kiosk/directory");
    expect(dir.body.buildings).toHaveLength(3);
    const flats = dir.body.buildings.flatMap((b: { staircases: Array<{ flats: unknown[] }> }) =>
      b.staircases.flatMap((s) => s.flats),
    );
    expect(flats).toHaveLength(120);
    expect(dir.body.buildings[0].staircases[0].flats.slice(0, 3).map((f: { number: string }) => f.number)).toEqual([
      "1",
      "2",
      "3",
    ]);
  });

  it("gives the kiosk its sentences about channels, rendered from the router's table", async () => {
    const { body } = await gw.json("GET", "/api/v1/kiosk/config");
    const policy = { categoryChannels: ANNOUNCEMENT_CHANNELS, paymentDemandsOnPaper: true };
    expect(body.channelTexts).toEqual(channelTexts(policy));
    expect(body.channelTexts.pl.email).toEqual([
      "E-mailem: rachunki za wodę, informacje o zmianie opłat, przypomnienia o płatnościach, inna korespondencja.",
      "Pocztą: wezwania do zapłaty.",
      "Nie będą wysyłane (są tylko SMS-em): awarie, przerwy w dostawie mediów, komunikaty o budynku.",
    ]);
    for (const lines of Object.values(body.channelTexts.pl) as string[][]) {
      expect(lines.join("\n")).not.toMatch(/Pocztą:[^\n]*(awarie|przerwy|komunikaty)/);
    }
  });

  it("identifies an owner by flat, surname (any case, no diacritics) and code", async () => {
    const res = await identify(single, single.surnames[0].toUpperCase().normalize("NFD").replace(/\p{M}/gu, ""));
    expect(res.status).toBe(200);
    expect(res.body.session).toBeTruthy();
    expect(res.body.flat.label).toMatch(/kl\. A m\./);
    expect(res.body.status).toMatchObject({ enrolled: false, status: "none" });
  });

  it("answers wrong surname, wrong code and unknown flat with the same message", async () => {
    const a = await identify(single, "Zupełnie-Inny");
    const b = await identify(single, single.surnames[0], "999999");
    const c = await gw.json("POST", "/api/v1/kiosk/identify", {
      flatCode: "NOPE-1",
      surname: "Nowak",
      ownerCode: "123456",
    });
    for (const r of [a, b, c]) {
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("IDENTIFY_FAILED");
      expect(r.body.error.message).toBe(a.body.error.message);
    }
  });

  it("cools a flat down after 5 failures, then lets the owner in again", async () => {
    for (let i = 0; i < 4; i++) expect((await identify(single, single.surnames[0], "000001")).status).toBe(403);
    // The fifth failure already says so: the resident is not told to try again when they cannot.
    const fifth = await identify(single, single.surnames[0], "000001");
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe("IDENTIFY_COOLDOWN");
    expect(fifth.body.error.details.retryAfterSeconds).toBe(15 * 60);
    const blocked = await identify();
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("IDENTIFY_COOLDOWN");
    expect(blocked.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    gw.clock.advance(16 * 60_000);
    expect((await identify()).status).toBe(200);
  });

  it("enrols with verified contacts; paper continues 14 days; a double tap does not enrol twice", async () => {
    const { body } = await identify();
    const key = randomUUID();
    const first = await enrolBoth(body.session, undefined, undefined, key);
    expect(first.status).toBe(201);
    expect(first.body.kind).toBe("enrolled");
    expect(first.body.electronicFrom).toBe("2026-03-16T10:00:00.000Z");
    expect(first.body.status).toMatchObject({
      enrolled: true,
      email: "j***@gmail.com",
      mobile: "+48 *** *** 200",
      channels: ["email", "sms"],
    });
    const again = await enrolBoth(body.session, undefined, undefined, key);
    expect(again.body).toEqual(first.body);
    expect(gw.ctx.db.select().from(registerEvents).all()).toHaveLength(1);
    const confirmation = gw.ctx.db.select().from(outbox).all();
    expect(confirmation.map((m) => m.recipient)).toEqual(["jan.kowalski@gmail.com"]);
    // The cooperative's name after "korespondencji elektronicznej" is in the genitive.
    expect(JSON.parse(confirmation[0].payload).text).toContain(
      'korespondencji elektronicznej Spółdzielni Mieszkaniowej "Nasz Dom"',
    );
    expect(JSON.parse(confirmation[0].payload).text).not.toContain("Spółdzielnia Mieszkaniowa");
  });

  it("stores the resident's language with the consent and confirms in it, channels as the router sends them", async () => {
    const { body } = await identify();
    const res = await enrolBoth(body.session, undefined, undefined, undefined, "uk");
    expect(res.status).toBe(201);
    expect(gw.ctx.register.stateOf(single.flatCode).language).toBe("uk");
    const [event] = gw.ctx.db.select().from(registerEvents).all();
    expect(JSON.parse(event.payload).language).toBe("uk");
    const [confirmation] = gw.ctx.db.select().from(outbox).all();
    const message = JSON.parse(confirmation.payload);
    expect(message.subject).toMatch(/^Підтвердження запису/);
    expect(message.text).toContain("Поштою: вимоги про оплату.");
    expect(message.text).toContain("(кнопка «Відмовитися»)");
    expect(message.text).not.toMatch(/Wezwania do zapłaty nadal/);
  });

  it("refuses an unverified contact unless the resident chose to leave it for the office", async () => {
    const { body } = await identify();
    const base = {
      session: body.session,
      email: "anna@wp.pl",
      channels: ["email"],
      consents: { processing: true, email: true, sms: false },
      consentVersion: "v1",
      language: "pl",
    };
    const refused = await gw.json("POST", "/api/v1/kiosk/enrolments", { ...base, idempotencyKey: randomUUID() });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("CONTACT_UNVERIFIED");
    const accepted = await gw.json("POST", "/api/v1/kiosk/enrolments", {
      ...base,
      idempotencyKey: randomUUID(),
      unverified: ["email"],
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.status.unverified).toEqual(["email"]);
  });

  it("rejects a missing consent, an invalid contact and a code confirmed for another address", async () => {
    const { body } = await identify();
    const base = {
      session: body.session,
      idempotencyKey: randomUUID(),
      channels: ["email"],
      consentVersion: "v1",
      language: "pl",
    };
    const noConsent = await gw.json("POST", "/api/v1/kiosk/enrolments", {
      ...base,
      email: "a@wp.pl",
      consents: { processing: false, email: true, sms: false },
    });
    expect(noConsent.body.error.code).toBe("BAD_REQUEST");
    const invalid = await gw.json("POST", "/api/v1/kiosk/enrolments", {
      ...base,
      idempotencyKey: randomUUID(),
      email: "a@",
      consents: { processing: true, email: true, sms: false },
    });
    expect(invalid.body.error.code).toBe("CONTACT_INVALID");
    const otherAddress = await gw.json("POST", "/api/v1/kiosk/enrolments", {
      ...base,
      idempotencyKey: randomUUID(),
      email: "a@wp.pl",
      consents: { processing: true, email: true, sms: false },
      verifications: { email: confirmedCode("email", "b@wp.pl", body.session) },
    });
    expect(otherAddress.body.error.code).toBe("CONTACT_UNVERIFIED");
  });

  it("a second co-owner replaces the designated recipient, who is told", async () => {
    const first = await identify(shared, shared.surnames[0]);
    expect((await enrolBoth(first.body.session)).body.kind).toBe("enrolled");
    const second = await identify(shared, shared.surnames[1]);
    expect(second.body.status).toMatchObject({ enrolled: true, youAreRecipient: false });
    const takeover = await gw.json("POST", "/api/v1/kiosk/enrolments", {
      session: second.body.session,
      idempotencyKey: randomUUID(),
      email: "wspolwlasciciel@o2.pl",
      channels: ["email"],
      consents: { processing: true, email: true, sms: false },
      consentVersion: "v1",
      verifications: { email: confirmedCode("email", "wspolwlasciciel@o2.pl", second.body.session) },
      language: "pl",
    });
    expect(takeover.status).toBe(201);
    expect(takeover.body.kind).toBe("recipient_replaced");
    const told = gw.ctx.db
      .select()
      .from(outbox)
      .all()
      .filter((m) => m.id.startsWith("replaced-"));
    expect(told.map((m) => [m.channel, m.recipient]).sort()).toEqual([
      ["email", "jan.kowalski@gmail.com"],
      ["sms", "+48600100200"],
    ]);
  });

  it("updates contacts without restarting the paper period", async () => {
    const { body } = await identify();
    await enrolBoth(body.session);
    gw.clock.advance(20 * 86_400_000);
    const later = await identify();
    const update = await enrolBoth(later.body.session, "nowy.adres@wp.pl");
    expect(update.body.kind).toBe("contacts_updated");
    expect(update.body.status.electronicFrom.sms).toBe("2026-03-16T10:00:00.000Z");
    expect(update.body.status.email).toBe("n***@wp.pl");
  });

  it("keeps an unchanged contact the resident only saw masked, asking no code for it", async () => {
    const { body } = await identify();
    await enrolBoth(body.session);
    const later = await identify();
    // What the kiosk may show to offer "keep": masked contacts and whether they were verified.
    expect(later.body.status).toMatchObject({
      email: "j***@gmail.com",
      mobile: "+48 *** *** 200",
      unverified: [],
      youAreRecipient: true,
    });
    const update = await gw.json("POST", "/api/v1/kiosk/enrolments", {
      session: later.body.session,
      idempotencyKey: randomUUID(),
      email: "nowy.adres@wp.pl",
      keep: ["sms"],
      channels: ["email", "sms"],
      consents: { processing: true, email: true, sms: true },
      consentVersion: gw.config.consent.version,
      verifications: { email: confirmedCode("email", "nowy.adres@wp.pl", later.body.session) },
      language: "pl",
    });
    expect(update.status).toBe(201);
    expect(update.body.kind).toBe("contacts_updated");
    expect(update.body.status).toMatchObject({ email: "n***@wp.pl", mobile: "+48 *** *** 200", unverified: [] });
    const last = gw.ctx.db.select().from(registerEvents).all().at(-1)!;
    expect(JSON.parse(last.payload)).toMatchObject({ email: "nowy.adres@wp.pl", mobile: "+48600100200" });
  });

  it("refuses to keep a contact there is none of, or that belongs to another co-owner", async () => {
    const { body } = await identify();
    const keepMobile = (session: string) =>
      gw.json("POST", "/api/v1/kiosk/enrolments", {
        session,
        idempotencyKey: randomUUID(),
        keep: ["sms"],
        channels: ["sms"],
        consents: { processing: true, email: false, sms: true },
        consentVersion: gw.config.consent.version,
        language: "pl",
      });
    const nothing = await keepMobile(body.session);
    expect(nothing.status).toBe(400);
    expect(nothing.body.error).toMatchObject({ code: "BAD_REQUEST", details: { field: "keep" } });

    const first = await identify(shared);
    expect((await enrolBoth(first.body.session)).status).toBe(201);
    const second = await identify(shared, shared.surnames[1]);
    const foreign = await keepMobile(second.body.session);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details.field).toBe("keep");
  });

  it("withdraws SMS only, then everything, immediately", async () => {
    const { body } = await identify();
    await enrolBoth(body.session);
    const partial = await gw.json("POST", "/api/v1/kiosk/withdrawals", {
      session: body.session,
      idempotencyKey: randomUUID(),
      channels: ["sms"],
    });
    expect(partial.status).toBe(201);
    expect(partial.body.status).toMatchObject({ enrolled: true, channels: ["email"], mobile: null });
    const all = await gw.json("POST", "/api/v1/kiosk/withdrawals", {
      session: body.session,
      idempotencyKey: randomUUID(),
      channels: "all",
    });
    expect(all.body.status).toMatchObject({ enrolled: false, status: "withdrawn", channels: [] });
    const nothing = await gw.json("POST", "/api/v1/kiosk/withdrawals", {
      session: body.session,
      idempotencyKey: randomUUID(),
      channels: "all",
    });
    expect(nothing.body.error.code).toBe("NOT_ENROLLED");
  });

  it("does not sign a slip while the system clock is not synchronised (503, nothing written)", async () => {
    const { body } = await identify();
    gw.ctx.clockSynchronized = () => false;
    const refused = await enrolBoth(body.session);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe("UNAVAILABLE");
    expect(gw.ctx.db.select().from(registerEvents).all()).toHaveLength(0);
    gw.ctx.clockSynchronized = () => true;
    expect((await enrolBoth(body.session)).status).toBe(201);
  });

  it("commits no enrolment whose slip cannot be issued (500, no event, notice, contact or answer kept)", async () => {
    const { body } = await identify();
    // The receipt store refuses the insert: the slip is issued inside the enrolment's transaction.
    gw.ctx.database.sqlite.exec(
      "CREATE TRIGGER receipts_refused BEFORE INSERT ON receipts BEGIN SELECT RAISE(ABORT, 'receipt store refused'); END",
    );
    const key = randomUUID();
    const refused = await enrolBoth(body.session, undefined, undefined, key);
    expect(refused.status).toBe(500);
    expect(refused.body.error.code).toBe("INTERNAL");
    expect(gw.ctx.db.select().from(registerEvents).all()).toHaveLength(0);
    expect(gw.ctx.db.select().from(outbox).all()).toHaveLength(0);
    expect(gw.ctx.db.select().from(contacts).all()).toHaveLength(0);
    expect(gw.ctx.db.select().from(kioskRequests).all()).toHaveLength(0);

    gw.ctx.database.sqlite.exec("DROP TRIGGER receipts_refused");
    const retried = await enrolBoth(body.session, undefined, undefined, key);
    expect(retried.status).toBe(201);
    expect(retried.body.receipt.number).toMatch(/^K1-\d+$/);
    expect(gw.ctx.db.select().from(registerEvents).all()).toHaveLength(1);
  });

  it("refuses an owner the office's register no longer lists, and expired sessions", async () => {
    const { body } = await identify();
    const reduced = demoOwnersRegister();
    const ownerId = reduced.shares.find((s) => s.flatCode === single.flatCode)!.ownerId;
    importOwners(gw.ctx, { ...reduced, shares: reduced.shares.filter((s) => s.ownerId !== ownerId) });
    const refused = await enrolBoth(body.session);
    expect(refused.body.error.code).toBe("NOT_ELIGIBLE");
    gw.clock.advance(16 * 60_000);
    const expired = await gw.json("GET", `/api/v1/kiosk/status?session=${body.session}`);
    expect(expired.status).toBe(401);
  });
});
