import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type OpenedDb, openDb } from "../../db/client.ts";
import { createLogger } from "../logger.ts";
import { kioskKeySet } from "../receipts/kioskKey.ts";
import { type Gateway, startGateway } from "../runtime.ts";
import { addOfficeKey } from "../services/addOfficeKey.ts";
import { listDeliveries } from "../services/listDeliveries.ts";
import type { CorrespondenceItem } from "../services/routeCorrespondence.ts";
import { FAULTS, type FaultProxy, randomFaults, startFaultProxy } from "../testing/faultProxy.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { countRows, enrolDirect, serve } from "../testing/office.ts";
import { OfficeClient } from "./client.ts";
import { pullEvents, sendCorrespondence } from "./commands.ts";
import { copyEvents, verifyCopy } from "./officeCopy.ts";
import { createOfficeReceiver } from "./receiver.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function flatCodes(gw: { ctx: Gateway["ctx"] }): string[] {
  return (gw.ctx.database.sqlite.query("SELECT code FROM flats ORDER BY code").all() as Array<{ code: string }>).map(
    (f) => f.code,
  );
}

function ownerOf(gw: { ctx: Gateway["ctx"] }, flat: string): string {
  return (
    gw.ctx.database.sqlite
      .query("SELECT owner_id AS id FROM ownership_shares WHERE flat_code = ? LIMIT 1")
      .get(flat) as { id: string }
  ).id;
}

async function gatewayBehindProxy(decide: FaultProxy["decide"]) {
  const gw = await startTestGateway();
  cleanups.push(() => gw.dispose());
  const key = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-sync" });
  const server = serve(gw.officeApp.fetch);
  cleanups.push(() => server.stop());
  const proxy = await startFaultProxy({ target: server.url, decide, delayMs: 50 });
  cleanups.push(() => proxy.stop());
  return { gw, key, proxy };
}

describe("office client across a faulty network", () => {
  it("sends every letter exactly once and pulls an identical, verified register despite every kind of fault", async () => {
    const cycle = FAULTS.filter((f) => f !== "pass");
    const random = randomFaults(7, 0.35);
    const { gw, key, proxy } = await gatewayBehindProxy(({ n }) =>
      n < cycle.length * 2 ? cycle[n % cycle.length] : random(),
    );
    const flats = flatCodes(gw);
    for (const [i, flat] of flats.slice(0, 60).entries()) {
      enrolDirect(
        gw,
        flat,
        ownerOf(gw, flat),
        { email: `mieszkaniec${i}@example.pl`, mobile: `+48600100${String(i).padStart(3, "0")}` },
        "2026-01-10T10:00:00Z",
      );
    }
    const client = new OfficeClient({
      baseUrl: `${proxy.url}/office/v1`,
      key,
      now: () => gw.clock.now().getTime(),
      retries: 30,
      retryBaseMs: 5,
      timeoutMs: 5_000,
    });
    const categories = ["water_bill", "payment_reminder", "outage", "payment_demand", "fee_change"] as const;
    const items: CorrespondenceItem[] = Array.from({ length: 300 }, (_, i) => ({
      id: `F-${i}`,
      flat: flats[i % 90],
      category: categories[i % categories.length],
      generated_at: "2026-03-01T12:00:00Z",
      subject: `Pismo ${i}`,
      text: `Treść ${i}`,
    }));
    const summary = await sendCorrespondence(client, items, { batchSize: 20 });
    expect(summary.rejected).toBe(0);
    expect(summary.answers).toHaveLength(300);
    for (const fault of cycle) expect(proxy.stats[fault], fault).toBeGreaterThan(0);
    expect(client.retried).toBeGreaterThan(0);

    const expectedMessages = summary.answers.reduce((n, a) => n + (a.status === "accepted" ? a.messages.length : 0), 0);
    expect(expectedMessages).toBeGreaterThan(100);
    expect(countRows(gw, "SELECT count(*) AS n FROM outbox WHERE correspondence_id LIKE 'F-%'")).toBe(expectedMessages);
    expect(countRows(gw, "SELECT count(*) AS n FROM correspondence")).toBe(300);
    expect(countRows(gw, "SELECT count(*) AS n FROM deliveries WHERE status = 'queued'")).toBe(
      countRows(gw, "SELECT count(DISTINCT message_id) AS n FROM deliveries WHERE status = 'queued'"),
    );
    expect(countRows(gw, "SELECT count(*) AS n FROM deliveries WHERE status = 'queued'")).toBe(expectedMessages);

    const dir = mkdtempSync(join(tmpdir(), "ekor-copy-"));
    const copy = openDb(join(dir, "copy.sqlite"));
    cleanups.push(() => {
      copy.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const pulled = await pullEvents(client, copy.db, { pageSize: 7 });
    expect(pulled.chain.ok).toBe(true);
    expect(copyEvents(copy.db)).toEqual(gw.ctx.register.eventsAfter(0, 100_000));
  }, 50_000);

  it("corrects a client clock 10 minutes behind or ahead from the server time in the refusal", async () => {
    const { gw, key, proxy } = await gatewayBehindProxy(() => "pass");
    for (const skew of [-600, 600]) {
      const client = new OfficeClient({
        baseUrl: `${proxy.url}/office/v1`,
        key,
        now: () => gw.clock.now().getTime(),
        clockOffsetSeconds: skew,
      });
      const health = await client.json("GET", "health");
      expect(health.parts.db.status).toBe("ok");
      expect(Math.abs(client.clockOffsetSeconds)).toBeLessThan(3);
    }
    expect(proxy.stats.pass).toBe(4);
  });
});

describe("push sync to an office behind a faulty network", () => {
  it("catches up after the office was down for a simulated week, applying every event exactly once", async () => {
    const officeDir = mkdtempSync(join(tmpdir(), "ekor-office-"));
    const officeDb: OpenedDb = openDb(join(officeDir, "office.sqlite"));
    cleanups.push(() => {
      officeDb.close();
      rmSync(officeDir, { recursive: true, force: true });
    });
    let simulatedNow = () => Date.now();
    const receiver = createOfficeReceiver({
      db: officeDb.db,
      keys: { "gw-push": "p".repeat(40) },
      now: () => simulatedNow(),
    });
    const office = serve(new Hono().route("/office-inbox", receiver.app).fetch);
    cleanups.push(() => office.stop());
    const proxy = await startFaultProxy({ target: office.url, decide: randomFaults(11, 0.3), delayMs: 30 });
    cleanups.push(() => proxy.stop());

    const overrides = {
      office: {
        url: `${proxy.url}/office-inbox`,
        keyId: "gw-push",
        secret: "p".repeat(40),
        pushBatchSize: 25,
        pushIntervalMs: 20,
        pushBackoffBaseMs: 5,
        pushBackoffMaxMs: 80,
        pushTimeoutMs: 2_000,
      },
    };
    const first = await startTestGateway(overrides);
    simulatedNow = () => first.clock.now().getTime();
    let gw: Gateway = first;
    cleanups.push(async () => {
      await gw.stop();
      rmSync(first.dataDir, { recursive: true, force: true });
    });
    const flats = flatCodes(gw);
    const enrol = (i: number) =>
      enrolDirect(
        { ...first, ctx: gw.ctx } as TestGateway,
        flats[i % flats.length],
        ownerOf(gw, flats[i % flats.length]),
        {
          email: `osoba${i}@example.pl`,
        },
      );
    for (let i = 0; i < 60; i++) enrol(i);
    const head = () => (gw.ctx.register.status.ok ? gw.ctx.register.status.headSeq : -1);
    const officeHead = () =>
      countRows({ ctx: { database: officeDb } } as unknown as TestGateway, "SELECT count(*) AS n FROM register_events");
    await until(() => officeHead() === head(), 20_000, "the first 60 events at the office");

    proxy.down = true;
    const refusedBefore = proxy.stats.refused_down;
    for (let hour = 0; hour < 7 * 24; hour++) {
      first.clock.advance(3_600_000);
      enrol(60 + hour);
      if (hour === 84) {
        // Half-way through the week the Pi restarts: the cursor must survive it.
        await new Promise((r) => setTimeout(r, 150));
        await gw.stop();
        gw = await startGateway(first.config, { clock: first.clock, logger: createLogger("silent") });
      }
    }
    await until(() => proxy.stats.refused_down > refusedBefore + 3, 10_000, "retries while the office is down");
    const during = await eventually(async () => {
      const part = (await gw.ctx.health.report()).parts.office_sync;
      return Number(part.consecutiveFailures) >= 2 ? part : undefined;
    });
    expect(during.status).not.toBe("ok");
    expect(during.lagEvents).toBeGreaterThan(0);
    expect(officeHead()).toBeLessThan(head());

    proxy.down = false;
    await until(() => officeHead() === head(), 30_000, "the office to catch up");
    expect(verifyCopy(officeDb.db)).toMatchObject({ ok: true, headSeq: 60 + 7 * 24 });
    expect(copyEvents(officeDb.db)).toEqual(gw.ctx.register.eventsAfter(0, 100_000));
    expect(receiver.stats.eventsApplied).toBe(60 + 7 * 24);
    await until(
      () =>
        countRows({ ctx: { database: officeDb } } as unknown as TestGateway, "SELECT count(*) AS n FROM deliveries") ===
        listDeliveries(gw.ctx, { after: 0, limit: 100_000 }).changes.length,
      10_000,
      "delivery changes at the office",
    );
    const after = await eventually(async () => {
      const part = (await gw.ctx.health.report()).parts.office_sync;
      return part.status === "ok" && part.lagEvents === 0 ? part : undefined;
    });
    expect(after).toMatchObject({ status: "ok", lagEvents: 0, consecutiveFailures: 0 });
    const keys = kioskKeySet(gw.ctx.db).keys;
    expect(keys.length).toBeGreaterThan(0);
    expect(receiver.received.kioskKeys).toEqual(keys);
  }, 55_000);
});
