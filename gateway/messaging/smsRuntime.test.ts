import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../db/schema/index.ts";
import { GammuDb } from "../../drivers/modem/gammuDb.ts";
import type { GammuModem } from "../../drivers/modem/gammuModem.ts";
import { dropStatusReport } from "../../drivers/modem/testing/dummyPhone.ts";
import { demoOwnersRegister } from "../demo/ownersRegister.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

/** The whole gateway with `sms.driver = "gammu"`: a code requested over HTTP leaves through gammu-smsd. */
let gw: TestGateway;
let modemDir: string;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the gateway with gammu-smsd", () => {
  beforeAll(async () => {
    modemDir = mkdtempSync(join(tmpdir(), "ekor-modem-"));
    gw = await startTestGateway(
      { sms: { driver: "gammu", model: "dummy", device: modemDir, pollMs: 100 } },
      { now: new Date().toISOString() },
    );
  });
  afterAll(async () => {
    await gw?.dispose();
    rmSync(modemDir, { recursive: true, force: true });
  });

  it("supervises gammu-smsd and reports the modem's signal and network in /healthz", async () => {
    const modem = await until("modem ok", async () => {
      const health = await gw.json("GET", "/healthz");
      return health.body.parts.modem.status === "ok" ? health.body.parts.modem : undefined;
    });
    expect(modem).toMatchObject({
      driver: "gammu",
      daemon: "running",
      signalPercent: 42,
      network: "GammuT3l",
      sim: "ready",
    });
  });

  it("sends a one-time code through gammu-smsd and records its delivery report", async () => {
    const [flat] = demoOwnersRegister().codes;
    const who = await gw.json("POST", "/api/v1/kiosk/identify", {
      flatCode: flat.flatCode,
      surname: flat.surnames[0],
      ownerCode: flat.code,
    });
    const res = await gw.json("POST", "/api/v1/verifications", {
      session: who.body.session,
      channel: "sms",
      to: "600 400 500",
    });
    expect(res.status).toBe(201);
    const modem = gw.ctx.sms.modem as GammuModem;
    const gammu = new GammuDb(modem.dbFile);
    try {
      const sent = await until("the code in sentitems", () => {
        gw.ctx.outbox.poke();
        return gammu.findByCreator(`otp-${res.body.id}`)?.where === "sentitems" ? true : undefined;
      });
      expect(sent).toBe(true);
    } finally {
      gammu.close();
    }
    dropStatusReport(modemDir, { to: "+48600400500", outcome: "Delivered" });
    const row = await until("delivered", () => {
      const r = gw.ctx.db
        .select()
        .from(outbox)
        .where(eq(outbox.id, `otp-${res.body.id}`))
        .get();
      return r?.status === "delivered" ? r : undefined;
    });
    expect(row.externalId).toMatch(/^\d+$/);
  });
});
