/**
 * No unauthenticated answer carries personal data: with owners, enrolled contacts and an SMTP
 * server whose error replies quote the resident's address and name in the system, every route
 * the app has is called without a staff session, an office signature or a kiosk session, and no
 * email, phone number or name may appear in any answer.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueMessage } from "../messaging/outbox.ts";
import { importOwners } from "../services/importOwners.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

const RESIDENT = {
  firstName: "Zdzisława",
  surname: "Przybyszewska",
  email: "zdzislawa.przybyszewska@example.com",
  mobile: "+48601234567",
};
const NEIGHBOUR = { firstName: "Bożydar", surname: "Wątróbka", email: "bozydar.w@example.org", mobile: "+48512987654" };
const FLAT = "A-1-7";
const SECRETS = [
  RESIDENT.email,
  "zdzislawa.przybyszewska",
  RESIDENT.surname,
  RESIDENT.firstName,
  RESIDENT.mobile,
  "601234567",
  "601 234 567",
  NEIGHBOUR.email,
  "bozydar.w",
  NEIGHBOUR.surname,
  NEIGHBOUR.firstName,
  NEIGHBOUR.mobile,
  "512987654",
];

let smtp: SMTPServer;
let gw: TestGateway;

beforeAll(async () => {
  // A mail server that quotes the recipient, as real ones do ("<jan@x>: mailbox full").
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onRcptTo: (address, _session, callback) => {
      const name = address.address === RESIDENT.email ? RESIDENT : NEIGHBOUR;
      const reply = `4.2.2 <${address.address}> (${name.firstName} ${name.surname}) mailbox full, tel. ${name.mobile}`;
      callback(Object.assign(new Error(reply), { responseCode: 452 }));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  const port = (smtp.server.address() as AddressInfo).port;
  gw = await startTestGateway(
    { email: { driver: "smtp", host: "127.0.0.1", port, pool: 1, timeoutSeconds: 5 } },
    { demo: false },
  );
  importOwners(gw.ctx, {
    buildings: [{ id: "A", address: "ul. Przykładowa 1", city: "Radom" }],
    flats: [
      { code: FLAT, buildingId: "A", staircase: "1", number: "7", verificationCode: "123456" },
      { code: "A-1-8", buildingId: "A", staircase: "1", number: "8", verificationCode: "654321" },
    ],
    owners: [
      { id: "o1", firstName: RESIDENT.firstName, surname: RESIDENT.surname },
      { id: "o2", firstName: NEIGHBOUR.firstName, surname: NEIGHBOUR.surname },
    ],
    shares: [
      { flatCode: FLAT, ownerId: "o1", role: "owner" },
      { flatCode: "A-1-8", ownerId: "o2", role: "owner" },
    ],
  });
  for (const [flat, who, owner] of [
    [FLAT, RESIDENT, "o1"],
    ["A-1-8", NEIGHBOUR, "o2"],
  ] as const) {
    gw.ctx.db.transaction((tx) =>
      gw.ctx.register.append(
        tx,
        {
          type: "enrolled",
          payload: { email: who.email, mobile: who.mobile, channels: ["email", "sms"], consentVersion: "2021-08-v1" },
        },
        flat,
        owner,
        "2026-01-01T10:00:00Z",
      ),
    );
    enqueueMessage(gw.ctx.db, gw.clock, {
      channel: "email",
      kind: "correspondence",
      recipient: who.email,
      subject: "Rachunek za wodę",
      text: "Dzień dobry",
    });
  }
  await gw.ctx.outbox.runUntilIdle();
});

afterAll(async () => {
  await gw?.dispose();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** Every route of the app, its parameters filled with real values from the data above. */
function publicCalls(): Array<{ method: string; path: string; app: TestGateway["app"] }> {
  const seen = new Set<string>();
  const calls: Array<{ method: string; path: string; app: TestGateway["app"] }> = [];
  for (const [app, route] of [
    ...gw.app.routes.map((r) => [gw.app, r] as const),
    ...gw.officeApp.routes.map((r) => [gw.officeApp, r] as const),
  ]) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    const path = route.path
      .replace(":flat", FLAT)
      .replace(/:number|:receipt/, "K1-000001")
      .replace(/:[a-zA-Z]+/g, "1");
    const key = `${app === gw.app ? "kiosk" : "office"} ${route.method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    calls.push({ method: route.method, path, app });
  }
  return calls;
}

describe("unauthenticated answers", () => {
  it("the data under test is really in the system (the SMTP error quotes the resident)", async () => {
    const devices = JSON.stringify(await gw.ctx.health.report());
    expect(devices).toMatch(new RegExp(`${RESIDENT.surname}|${NEIGHBOUR.surname}`));
  });

  it("carry no email, phone number or name on any route, whatever the method", async () => {
    const calls = publicCalls();
    expect(calls.map((c) => c.path)).toEqual(
      expect.arrayContaining(["/healthz", "/api/v1/kiosk/config", "/office/v1/openapi.json", "/office/api/devices"]),
    );
    const leaks: string[] = [];
    for (const { method, path, app } of calls) {
      const res = await app.request(path, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "GET" || method === "HEAD" ? undefined : "{}",
      });
      const text = await res.text();
      for (const secret of SECRETS)
        if (text.includes(secret)) leaks.push(`${method} ${path} (${res.status}): ${secret}`);
    }
    expect(leaks).toEqual([]);
  });
});
