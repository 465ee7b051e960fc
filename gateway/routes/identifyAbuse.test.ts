import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { demoOwnersRegister } from "../demo/ownersRegister.ts";
import { listOfficeAlerts } from "../services/listOfficeAlerts.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

const demo = demoOwnersRegister();
let gw: TestGateway;

/** An identify request as if it came from `address` (the Bun server hands the route the peer). */
async function identify(flat: (typeof demo.codes)[number], ownerCode: string, from = "127.0.0.1") {
  const res = await gw.app.request(
    "/api/v1/kiosk/identify",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ flatCode: flat.flatCode, surname: flat.surnames[0], ownerCode }),
    },
    { requestIP: () => ({ address: from, family: "IPv4", port: 40000 }) },
  );
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
  return { status: res.status, body: (await res.json()) as any };
}

const wrong = (flat: (typeof demo.codes)[number]) => (flat.code === "000000" ? "000001" : "000000");

beforeEach(async () => {
  gw = await startTestGateway();
});
afterEach(() => gw.dispose());

describe("owner codes guessed across flats", () => {
  it("checks owner codes off the event loop: a timer runs while identifications are being hashed", async () => {
    let answered = 0;
    const calls = demo.codes
      .slice(0, 3)
      .map((flat, n) => identify(flat, flat.code, `10.3.0.${n}`).finally(() => answered++));
    const answeredWhenTimerRan = await new Promise<number>((resolve) => setTimeout(() => resolve(answered), 0));
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answeredWhenTimerRan).toBe(0);
  });

  it("slows one client down after its free failures, longer after each further one, whatever the flat", async () => {
    const v = gw.config.verification;
    const answers = [];
    for (let n = 0; n < v.identifyClientFreeFailures + 1; n++)
      answers.push(await identify(demo.codes[n], wrong(demo.codes[n])));
    expect(answers.slice(0, v.identifyClientFreeFailures).every((a) => a.status === 403)).toBe(true);
    const first = answers[v.identifyClientFreeFailures];
    expect(first.status).toBe(429);
    expect(first.body.error.code).toBe("IDENTIFY_COOLDOWN");
    const delays = [first.body.error.details.retryAfterSeconds];
    for (let n = 0; n < 3; n++) {
      gw.clock.advance(delays[delays.length - 1] * 1000);
      const flat = demo.codes[40 + n];
      expect((await identify(flat, wrong(flat))).status).toBe(403);
      const next = await identify(flat, flat.code);
      expect(next.status).toBe(429);
      delays.push(next.body.error.details.retryAfterSeconds);
    }
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
    // Another client is not slowed down by this one.
    const owner = demo.codes[90];
    expect((await identify(owner, owner.code, "192.168.1.50")).status).toBe(200);
  });

  it("refuses a client that must wait before reading its request (no body parsed, nothing hashed)", async () => {
    const v = gw.config.verification;
    for (let n = 0; n < v.identifyClientFreeFailures; n++)
      expect((await identify(demo.codes[n], wrong(demo.codes[n]), "10.50.0.1")).status).toBe(403);
    const unreadable = await gw.app.request(
      "/api/v1/kiosk/identify",
      { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" },
      { requestIP: () => ({ address: "10.50.0.1", family: "IPv4", port: 40000 }) },
    );
    expect(unreadable.status).toBe(429);
    expect(unreadable.headers.get("retry-after")).toBe(String(v.identifyFirstDelaySeconds));
    expect(((await unreadable.json()) as { error: { code: string } }).error.code).toBe("IDENTIFY_COOLDOWN");
    expect(gw.ctx.hashing.pending("kiosk")).toBe(0);
    // The wait ends on time.
    gw.clock.advance(v.identifyFirstDelaySeconds * 1000);
    expect((await identify(demo.codes[50], demo.codes[50].code, "10.50.0.1")).status).toBe(200);
  });

  it("caps failures across all clients, so many devices together cannot guess fast either", async () => {
    const v = gw.config.verification;
    let refused = 0;
    for (let n = 0; n < v.identifyGlobalFreeFailures + 5; n++) {
      const flat = demo.codes[n % demo.codes.length];
      const r = await identify(flat, wrong(flat), `10.1.${Math.floor(n / 200)}.${n % 200}`);
      if (r.status === 429) refused++;
    }
    expect(refused).toBeGreaterThan(0);
  });

  it("alerts the office, without personal data, after repeated failures across flats", async () => {
    expect(listOfficeAlerts(gw.ctx)).toEqual([]);
    for (let n = 0; n < gw.config.verification.identifyAlertFlats; n++)
      await identify(demo.codes[n], wrong(demo.codes[n]));
    const alerts = listOfficeAlerts(gw.ctx);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: "identify_guessing",
      details: { flats: gw.config.verification.identifyAlertFlats },
    });
    const text = JSON.stringify(alerts);
    for (const flat of demo.codes.slice(0, 5)) {
      expect(text).not.toContain(flat.surnames[0]);
      expect(text).not.toContain(flat.flatCode);
    }
    // Shown where the office looks: the staff console's device/health report.
    const report = await gw.ctx.health.report();
    expect(report.parts.alerts).toMatchObject({ status: "degraded", last24h: 1 });
  });

  it("refuses a parallel burst of guesses beyond the client's free failures before hashing them", async () => {
    await gw.dispose();
    gw = await startTestGateway({
      verification: { identifyClientFreeFailures: 3 },
      hashing: { concurrency: 1, maxQueued: 50, nice: 0 },
    });
    const burst = await Promise.all(demo.codes.slice(0, 16).map((flat) => identify(flat, wrong(flat), "10.4.0.1")));
    const hashed = burst.filter((r) => r.status === 403);
    const refused = burst.filter((r) => r.status === 429);
    expect(hashed.length).toBe(3);
    expect(refused.length).toBe(13);
    expect(refused[0].body.error.code).toBe("IDENTIFY_COOLDOWN");
  });

  it("refuses a parallel burst on one flat beyond its attempts before hashing them", async () => {
    await gw.dispose();
    gw = await startTestGateway({ hashing: { concurrency: 1, maxQueued: 50, nice: 0 } });
    const flat = demo.codes[7];
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => identify(flat, wrong(flat), `10.4.1.${i}`)));
    const max = gw.config.verification.identifyMaxFailures;
    expect(burst.filter((r) => r.status === 403).length).toBeLessThanOrEqual(max);
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(12 - max);
  });

  it("keeps the per-flat cool-down", async () => {
    const flat = demo.codes[3];
    const max = gw.config.verification.identifyMaxFailures;
    for (let i = 0; i < max - 1; i++) {
      expect((await identify(flat, wrong(flat), `10.2.0.${i}`)).status).toBe(403);
    }
    // The failure that uses up the attempts already answers with the cool-down.
    expect((await identify(flat, wrong(flat), `10.2.0.${max}`)).status).toBe(429);
    expect((await identify(flat, flat.code, "10.2.1.1")).status).toBe(429);
  });
});
