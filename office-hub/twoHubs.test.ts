/**
 * Two hub processes on one PostgreSQL database, both taking pushes at the same time: kiosks pinned
 * to one hub or the other, and one kiosk behind a round-robin balancer whose batches alternate
 * between the two. Nothing may be lost or doubled, each cooperative feed numbered without holes,
 * and a flat contested across the two hubs decided by the later application.
 */
import { SQL } from "bun";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsentEvent, verifyChain } from "../gateway/domain/registerEvents.ts";
import { OfficeClient } from "../gateway/office/client.ts";
import { listDeliveries } from "../gateway/services/listDeliveries.ts";
import { routeCorrespondence } from "../gateway/services/routeCorrespondence.ts";
import { startTestGateway, type TestGateway } from "../gateway/testing/harness.ts";
import { enrolDirect, type Served, serve } from "../gateway/testing/office.ts";
import { type HubProcess, hubCli, officeKeyByCli, provisionKioskByCli, startHubProcess } from "./testing/hubProcess.ts";
import { createDatabase, startTestPostgres, type TestPostgres } from "./testing/postgres.ts";

// biome-ignore lint/suspicious/noExplicitAny: answers are read as plain JSON
type Json = any;

let pg: TestPostgres;
let databaseUrl: string;
const hubs: HubProcess[] = [];
let balancer: Served;
/** Pushes the balancer passed to each hub. */
const forwarded = [0, 0];
const gateways = new Map<string, TestGateway>();

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startKiosk(kioskId: string, url: string): Promise<TestGateway> {
  const key = provisionKioskByCli(databaseUrl, "nasz-dom", kioskId);
  const gw = await startTestGateway(
    {
      kioskId,
      office: {
        url: `${url}/push/v1`,
        keyId: key.keyId,
        secret: key.secret,
        pushBatchSize: 10,
        pushIntervalMs: 10,
        pushBackoffBaseMs: 5,
        pushBackoffMaxMs: 100,
        pushTimeoutMs: 5_000,
      },
    },
    { now: new Date().toISOString() },
  );
  gateways.set(kioskId, gw);
  return gw;
}

function head(gw: TestGateway): number {
  return gw.ctx.register.status.ok ? gw.ctx.register.status.headSeq : -1;
}

function flatCodes(gw: TestGateway): string[] {
  return (gw.ctx.database.sqlite.query("SELECT code FROM flats ORDER BY code").all() as Array<{ code: string }>).map(
    (f) => f.code,
  );
}

function ownerOf(gw: TestGateway, flat: string): string {
  return (
    gw.ctx.database.sqlite
      .query("SELECT owner_id AS id FROM ownership_shares WHERE flat_code = ? LIMIT 1")
      .get(flat) as { id: string }
  ).id;
}

async function all(office: OfficeClient, path: string, key: "events" | "changes"): Promise<Json[]> {
  const rows: Json[] = [];
  let after = 0;
  for (;;) {
    const page = await office.json("GET", `${path}?after=${after}&limit=500`);
    rows.push(...page[key]);
    after = page.next_cursor;
    if (!page.has_more) return rows;
  }
}

beforeAll(async () => {
  pg = await startTestPostgres({ fsync: false });
  databaseUrl = await createDatabase(pg, "twohubs");
  expect(hubCli(databaseUrl, ["setup"]).status).toBe(0);
  expect(hubCli(databaseUrl, ["add-cooperative", "nasz-dom", "--name", "SM Nasz Dom"]).status).toBe(0);
  hubs.push(
    await startHubProcess(databaseUrl, 0, { logLevel: "debug" }),
    await startHubProcess(databaseUrl, 0, { logLevel: "debug" }),
  );
  // A balancer in front of both: request n goes to hub n mod 2 (the signed path is unchanged).
  let n = 0;
  balancer = serve(async (request) => {
    const url = new URL(request.url);
    const to = n++ % 2;
    forwarded[to]++;
    const target = `${hubs[to].url}${url.pathname}${url.search}`;
    const body = request.method === "GET" ? undefined : await request.arrayBuffer();
    const answer = await fetch(target, { method: request.method, headers: request.headers, body });
    return new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
  });
}, 60_000);

afterAll(async () => {
  for (const gw of gateways.values()) await gw.dispose();
  await balancer?.stop();
  for (const hub of hubs) await hub.stop();
  await pg?.stop();
});

describe("two hub processes on one database", () => {
  it("take pushes at once without losing, doubling or skipping a number, and decide a contested flat by the later application, with no names, addresses or contacts in their logs", async () => {
    const [a, b, c, d] = await Promise.all([
      startKiosk("KIOSK-A", hubs[0].url),
      startKiosk("KIOSK-B", hubs[0].url),
      startKiosk("KIOSK-C", hubs[1].url),
      startKiosk("KIOSK-D", balancer.url),
    ]);
    const codes = flatCodes(a);
    const base = Date.now() - 3_600_000;
    // A (hub 1) and C (hub 2) both take applications for flats 20..39; C's are later.
    for (let i = 0; i < 40; i++) {
      enrolDirect(
        a,
        codes[i],
        ownerOf(a, codes[i]),
        { email: `a${i}@example.pl` },
        new Date(base + i * 1000).toISOString(),
      );
      const j = 20 + i;
      enrolDirect(
        c,
        codes[j],
        ownerOf(c, codes[j]),
        { email: `c${j}@example.pl` },
        new Date(base + 600_000 + i * 1000).toISOString(),
      );
      enrolDirect(b, codes[60 + i], ownerOf(b, codes[60 + i]), { email: `b${i}@example.pl` });
      enrolDirect(
        d,
        codes[i],
        ownerOf(d, codes[i]),
        { email: `d${i}@example.pl` },
        new Date(base - 600_000).toISOString(),
      );
    }
    // Letters to flats without consent go by post: delivery changes from every kiosk.
    for (const [name, gw] of [...gateways]) {
      routeCorrespondence(gw.ctx, {
        items: [100, 101, 102, 103, 104].map((n) => ({
          id: `${name}-L${n}`,
          flat: codes[n],
          category: "water_bill",
          generated_at: new Date().toISOString(),
          subject: `Rachunek ${n}`,
          text: "Treść",
        })),
      });
    }

    const office = new OfficeClient({
      baseUrl: `${hubs[1].url}/office/v1`,
      key: officeKeyByCli(databaseUrl, "nasz-dom"),
    });
    const kioskState = async () => (await office.json("GET", "kiosks")).kiosks as Json[];
    await until(async () => {
      const state = await kioskState();
      return [...gateways].every(([name, gw]) => {
        const k = state.find((s) => s.kiosk === name);
        return (
          k?.head_seq === head(gw) &&
          k.deliveries_seq === listDeliveries(gw.ctx, { after: 0, limit: 1e6 }).changes.at(-1)?.seq
        );
      });
    }, "every kiosk's events and deliveries at the hubs");

    const events = await all(office, "register/events", "events");
    const total = [...gateways.values()].reduce((sum, gw) => sum + head(gw), 0);
    expect(total).toBe(160);
    expect(events.map((e) => e.cursor)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (const [name, gw] of gateways) {
      const mine = events
        .filter((e) => e.kiosk === name)
        .map(({ seq, type, flatCode, ownerId, payload, occurredAt, prevHash, hash }) => ({
          seq,
          type,
          flatCode,
          ownerId,
          payload,
          occurredAt,
          prevHash,
          hash,
        })) as ConsentEvent[];
      expect(verifyChain(mine)).toMatchObject({ ok: true, headSeq: head(gw) });
      expect(mine).toEqual(gw.ctx.register.eventsAfter(0, 10_000));
    }
    const changes = await all(office, "deliveries", "changes");
    const pushed = [...gateways.values()].reduce(
      (sum, gw) => sum + listDeliveries(gw.ctx, { after: 0, limit: 1e6 }).changes.length,
      0,
    );
    expect(changes.map((ch) => ch.cursor)).toEqual(Array.from({ length: pushed }, (_, i) => i + 1));
    expect(new Set(changes.map((ch) => `${ch.kiosk}/${ch.seq}`)).size).toBe(pushed);

    // Flats 20..39: C's later applications win whichever hub decided first; D's earlier ones never do.
    const flats = (await office.json("GET", "register/flats")).flats as Json[];
    const byFlat = new Map(flats.map((f) => [f.flatCode, f]));
    for (let i = 0; i < 40; i++) {
      expect(byFlat.get(codes[i])?.kiosk, codes[i]).toBe(i >= 20 ? "KIOSK-C" : "KIOSK-A");
    }
    // KIOSK-D's batches went through both hubs.
    expect(Math.min(...forwarded)).toBeGreaterThan(3);
    // Both hubs serve the same feed.
    const other = new OfficeClient({
      baseUrl: `${hubs[0].url}/office/v1`,
      key: officeKeyByCli(databaseUrl, "nasz-dom"),
    });
    expect(await all(other, "register/events", "events")).toEqual(events);

    // The paper list's names and addresses, and the residents' contacts, are in no hub's log.
    const paper = await office.json("GET", "paper");
    expect(paper.items.length).toBe(20);
    const secrets = [
      ...paper.items.flatMap((i: Json) => [i.address, ...i.owners]),
      ...events.map((e) => e.payload.email),
    ];
    for (const hub of hubs) {
      const log = hub.output();
      expect(log).toContain("office hub listening");
      for (const s of secrets) expect(log).not.toContain(s);
    }
    const sql = new SQL(databaseUrl);
    try {
      const [dupes] =
        await sql`SELECT count(*)::int AS n FROM (SELECT kiosk_id, seq FROM register_events GROUP BY 1, 2 HAVING count(*) > 1) d`;
      expect(dupes.n).toBe(0);
    } finally {
      await sql.close();
    }
  }, 120_000);
});
