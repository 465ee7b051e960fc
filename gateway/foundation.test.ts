import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import { demoOwnersRegister } from "./demo/ownersRegister.ts";
import { createLogger, maskPersonalData } from "./logger.ts";
import { importOwners } from "./services/importOwners.ts";
import { startTestGateway, type TestGateway } from "./testing/harness.ts";

describe("configuration", () => {
  it("has the announcement's defaults", () => {
    const c = loadConfig({ DATA_DIR: "/nonexistent-ekor" });
    expect(c.rules).toMatchObject({ electronicStartDate: "2021-09-01", graceDays: 14, paymentDemandsOnPaper: true });
    expect(c.server).toMatchObject({ host: "127.0.0.1", port: 8080, maxBodyBytes: 65536 });
  });

  it("takes PORT, HOST, DATA_DIR and EK__ keys from the environment", () => {
    const c = loadConfig({ DATA_DIR: "/nonexistent-ekor", PORT: "9090", HOST: "127.0.0.2", EK__rules__graceDays: "7" });
    expect(c.server).toMatchObject({ host: "127.0.0.2", port: 9090 });
    expect(c.rules.graceDays).toBe(7);
    expect(c.dataDir).toBe("/nonexistent-ekor");
  });

  it.each([
    [{ PORT: "http" }, "server.port"],
    [{ EK__rules__electronicStartDate: "01-09-2021" }, "rules.electronicStartDate"],
    [{ EK__rules__categoryChannels__outage: '["fax"]' }, "rules.categoryChannels.outage.0"],
    [{ EK__kiosk__idleWarnSeconds: "90" }, "kiosk.idleWarnSeconds"],
    [{ CONFIG_FILE: "/nonexistent-ekor/config.json" }, "CONFIG_FILE"],
    [{ EK__cooperative__name: "Spółdzielnia Mieszkaniowa Zorza" }, "cooperative.nameGenitive"],
  ])("stops on a bad value and names the key (%j)", (env, key) => {
    expect(() => loadConfig({ DATA_DIR: "/nonexistent-ekor", ...env })).toThrow(ConfigError);
    try {
      loadConfig({ DATA_DIR: "/nonexistent-ekor", ...env });
    } catch (err) {
      expect((err as ConfigError).key).toBe(key);
    }
  });
});

/** A logger writing JSON lines into an array, as pino writes them to stdout. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger("info", sink) };
}

describe("logs", () => {
  it("never carry an email or phone number in clear", () => {
    const { lines, logger } = capturedLogger();
    logger.info(
      { to: "jan.kowalski@gmail.com", nested: { mobile: "+48600100200" } },
      "sent to anna@wp.pl and +48512345678",
    );
    const line = lines.join("");
    expect(line).not.toMatch(/jan\.kowalski|anna@|600100200|512345678/);
    expect(line).toContain("j***@gmail.com");
    expect(line).toContain("+48 *** *** 200");
    expect(maskPersonalData("kontakt: a.b@o2.pl")).toBe("kontakt: a***@o2.pl");
  });

  it("keep an error's stack, masked, wherever the error sits in the log object", () => {
    const { lines, logger } = capturedLogger();
    const err = Object.assign(new Error("550 mailbox jan.kowalski@gmail.com unknown"), { code: "EENVELOPE" });
    logger.error({ err }, "send failed");
    logger.warn({ cause: err }, "retrying");
    const [first, second] = lines.map((l) => JSON.parse(l));
    for (const logged of [first.err, second.cause]) {
      expect(logged).toMatchObject({ type: "Error", code: "EENVELOPE", message: "550 mailbox j***@gmail.com unknown" });
      expect(logged.stack).toMatch(/at .*foundation\.test\.ts/);
      expect(logged.stack).not.toContain("jan.kowalski");
    }
  });
});

describe("demo owners register", () => {
  const demo = demoOwnersRegister();
  it("has 3 buildings, 120 flats, co-owned flats and owners of two flats, deterministically", () => {
    expect(demo.buildings).toHaveLength(3);
    expect(demo.flats).toHaveLength(120);
    const perFlat = new Map<string, number>();
    const perOwner = new Map<string, number>();
    for (const s of demo.shares) {
      perFlat.set(s.flatCode, (perFlat.get(s.flatCode) ?? 0) + 1);
      perOwner.set(s.ownerId, (perOwner.get(s.ownerId) ?? 0) + 1);
    }
    expect([...perFlat.values()].filter((n) => n > 1).length).toBeGreaterThan(20);
    expect([...perOwner.values()].filter((n) => n > 1).length).toBeGreaterThan(5);
    expect(demoOwnersRegister()).toEqual(demo);
    expect(new Set(demo.codes.map((c) => c.code)).size).toBe(120);
  });
});

describe("owners register import", () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway({}, { demo: false });
  });
  afterEach(() => gw.dispose());

  it("reports each rejected row with its reason and keeps the good ones", () => {
    const result = importOwners(gw.ctx, {
      buildings: [{ id: "B1", address: "ul. Struga 5", city: "Radom" }, { id: "" }],
      flats: [
        { code: "B1-A-1", buildingId: "B1", staircase: "A", number: "1", verificationCode: "123456" },
        { code: "B9-A-1", buildingId: "B9", staircase: "A", number: "1" },
        { code: "bad code!", buildingId: "B1", staircase: "A", number: "2" },
      ],
      owners: [{ id: "O1", firstName: "Jan", surname: "Nowak" }],
      shares: [
        { flatCode: "B1-A-1", ownerId: "O1", role: "owner" },
        { flatCode: "B1-A-1", ownerId: "O2", role: "owner" },
        { flatCode: "B1-A-1", ownerId: "O1", role: "landlord" },
      ],
    });
    expect(result.accepted).toEqual({ buildings: 1, flats: 1, owners: 1, shares: 1 });
    expect(result.rejected.map((r) => [r.section, r.index]).sort()).toEqual([
      ["buildings", 1],
      ["flats", 1],
      ["flats", 2],
      ["shares", 1],
      ["shares", 2],
    ]);
    expect(result.rejected.find((r) => r.section === "flats" && r.index === 1)?.reason).toMatch(/unknown building B9/);
  });

  it("is idempotent, and owners who disappear lose eligibility", () => {
    const demo = demoOwnersRegister();
    importOwners(gw.ctx, demo);
    const again = importOwners(gw.ctx, demo);
    expect(again).toMatchObject({ deactivatedOwners: 0, deactivatedShares: 0, rejected: [] });
    const without = {
      ...demo,
      owners: demo.owners.slice(1),
      shares: demo.shares.filter((s) => s.ownerId !== demo.owners[0].id),
    };
    expect(importOwners(gw.ctx, without)).toMatchObject({ deactivatedOwners: 1, deactivatedShares: 1 });
  });
});

describe("HTTP basics", () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway({}, { demo: false });
  });
  afterEach(() => gw.dispose());

  it("/healthz lists every part; parts not built say not_configured", async () => {
    const res = await gw.json("GET", "/healthz");
    expect(res.status).toBe(200);
    for (const part of ["db", "register", "printer", "modem", "smtp", "office_sync"])
      expect(res.body.parts[part].status).toBeTruthy();
    expect(res.body.parts.db.status).toBe("ok");
  });

  it("checks contacts for the kiosk's live validation", async () => {
    const res = await gw.json("POST", "/api/v1/contacts/check", { email: "Jan@Gmial.com", mobile: "0048 600 100 200" });
    expect(res.body).toEqual({
      email: { valid: true, normalized: "jan@gmial.com", suggestion: "jan@gmail.com" },
      mobile: { valid: true, e164: "+48600100200" },
    });
    const landline = await gw.json("POST", "/api/v1/contacts/check", { mobile: "48 362 00 00" });
    expect(landline.body.mobile).toEqual({ valid: false, reason: "not_mobile" });
  });

  it("previews an SMS's encoding and segments", async () => {
    expect((await gw.json("POST", "/api/v1/sms/preview", { text: "Przypomnienie o płatności" })).body).toEqual({
      encoding: "UCS-2",
      segments: 1,
      characters: 25,
    });
    expect((await gw.json("POST", "/api/v1/sms/preview", { text: "a".repeat(161) })).body).toEqual({
      encoding: "GSM-7",
      segments: 2,
      characters: 161,
    });
  });

  it("answers bad input with a clear 4xx JSON error and unknown routes with 404", async () => {
    const bad = await gw.json("POST", "/api/v1/sms/preview", { txt: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "BAD_REQUEST", field: "text" });
    const notJson = await gw.app.request("/api/v1/contacts/check", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe("BAD_REQUEST");
    const missing = await gw.json("GET", "/api/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("NOT_FOUND");
  });
});
