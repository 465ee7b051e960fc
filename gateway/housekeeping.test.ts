import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  identifyAttempts,
  kioskRequests,
  officeAlerts,
  officeNonces,
  otpCodes,
  staffLoginFailures,
} from "../db/schema/index.ts";
import { pruneExpired } from "./services/pruneExpired.ts";
import { startTestGateway, type TestGateway } from "./testing/harness.ts";

let gw: TestGateway;

const HOUR = 3_600_000;

/** One row in each table that grows with use, stamped `at`. */
function fill(at: Date, tag: string): void {
  const iso = at.toISOString();
  const db = gw.ctx.db;
  db.insert(identifyAttempts).values({ flatCode: "KEL10-A-1", client: "127.0.0.1", at: iso, success: false }).run();
  db.insert(otpCodes)
    .values({
      id: `otp-${tag}`,
      channel: "sms",
      contact: "+48600100200",
      codeHash: "x",
      kioskId: "K1",
      createdAt: iso,
      expiresAt: new Date(at.getTime() + 300_000).toISOString(),
    })
    .run();
  db.insert(kioskRequests)
    .values({ key: `req-${tag}`, response: "{}", createdAt: iso })
    .run();
  db.insert(officeNonces)
    .values({ nonce: `nonce-${tag}`, keyId: "k", seenAt: iso })
    .run();
  db.insert(staffLoginFailures).values({ username: "kasia", client: "10.0.0.9", at: iso }).run();
  db.insert(officeAlerts).values({ kind: "staff_login_flood", at: iso, details: "{}" }).run();
}

const counts = () =>
  Object.fromEntries(
    ["identify_attempts", "otp_codes", "kiosk_requests", "office_nonces", "staff_login_failures", "office_alerts"].map(
      (t) => [t, (gw.ctx.database.sqlite.query(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n],
    ),
  );

beforeEach(async () => {
  gw = await startTestGateway({ housekeeping: { intervalSeconds: 1 } }, { demo: false });
});
afterEach(() => gw.dispose());

describe("tables that grow with use", () => {
  it("drops identify attempts, codes, idempotency records, nonces and login failures past their windows", () => {
    fill(new Date(gw.clock.now().getTime() - 100 * 24 * HOUR), "ancient");
    fill(new Date(gw.clock.now().getTime() - 2 * 24 * HOUR), "old");
    fill(gw.clock.now(), "fresh");
    const removed = pruneExpired(gw.ctx);
    expect(removed).toMatchObject({
      identifyAttempts: 2,
      otpCodes: 2,
      kioskRequests: 2,
      officeNonces: 2,
      staffLoginFailures: 2,
    });
    // Alerts are kept 90 days for the office to read.
    expect(counts()).toEqual({
      identify_attempts: 1,
      otp_codes: 1,
      kiosk_requests: 1,
      office_nonces: 1,
      staff_login_failures: 1,
      office_alerts: 2,
    });
    gw.clock.advance(3 * 24 * HOUR);
    pruneExpired(gw.ctx);
    expect(Object.values(counts()).filter((n) => n > 0)).toEqual([2]);
  });

  it("prunes on a schedule started with the gateway, and stops with it", async () => {
    expect(gw.parts.map((p) => p.name)).toContain("housekeeping");
    fill(new Date(gw.clock.now().getTime() - 2 * 24 * HOUR), "old");
    let left = counts().identify_attempts;
    for (let i = 0; i < 100 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = counts().identify_attempts;
    }
    expect(left).toBe(0);
  });
});
