/**
 * The hub's published contract against the hub itself: a real PostgreSQL, the hub app served on a
 * socket with an injected manual clock, a real gateway pushing to it. Every answer is checked
 * against the served OpenAPI document's own JSON Schemas (Ajv, not the zod schemas they come from).
 */
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../gateway/clock.ts";
import { createLogger } from "../gateway/logger.ts";
import { OfficeClient } from "../gateway/office/client.ts";
import { signRequest } from "../gateway/office/signing.ts";
import { paperCsv, paperList } from "../gateway/services/paperList.ts";
import { routeCorrespondence } from "../gateway/services/routeCorrespondence.ts";
import { startTestGateway, type TestGateway } from "../gateway/testing/harness.ts";
import { enrolDirect, type Served, serve } from "../gateway/testing/office.ts";
import { createHubApp } from "./app.ts";
import { hubConfigSchema } from "./config.ts";
import { migrateHubDb, type OpenedHubDb, openHubDb } from "./db/client.ts";
import { addCooperative, addOfficeKey, type IssuedKey, provisionKiosk } from "./services/provision.ts";
import { pruneNonces } from "./services/pruneNonces.ts";
import { createDatabase, startTestPostgres, type TestPostgres } from "./testing/postgres.ts";

// biome-ignore lint/suspicious/noExplicitAny: the document and the answers are read as plain JSON
type Json = any;

const START = "2026-03-02T10:00:00Z";
const WINDOW = 300;
let pg: TestPostgres;
let opened: OpenedHubDb;
let clock: ManualClock;
let hub: Served;
let app: ReturnType<typeof createHubApp>;
let gw: TestGateway;
let kioskKey: IssuedKey;
let officeKey: IssuedKey;
let office: OfficeClient;
let doc: Json;
let ajv: Ajv2020;
const checked = new Set<string>();

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A request signed by hand at `at` (Unix seconds; default: the hub's clock), no retries or skew correction. */
async function signed(
  key: { keyId: string; secret: string },
  method: string,
  path: string,
  body?: unknown,
  options: { at?: number; kioskId?: string; nonce?: string } = {},
) {
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = signRequest(
    key,
    { method, pathWithQuery: path, body: text, kioskId: options.kioskId },
    options.at ?? clock.now().getTime() / 1000,
    options.nonce,
  );
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: { ...headers, ...(text ? { "content-type": "application/json" } : {}) },
    body: text || undefined,
  });
  return { status: res.status, type: (res.headers.get("content-type") ?? "").split(";")[0], text: await res.text() };
}

function pushAs(path: string, body: unknown, options: { at?: number; nonce?: string } = {}) {
  return signed(kioskKey, "POST", `/push/v1/${path}`, body, { ...options, kioskId: "KIOSK-A" });
}

/** The answer must be listed for its status in the document and validate against its schema there. */
function expectDocumented(method: string, path: string, res: { status: number; type: string; text: string }): Json {
  const bare = path.split("?")[0];
  const entry = Object.entries<Json>(doc.paths).find(
    ([template, ops]) => new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`).test(bare) && ops[method],
  );
  expect(entry, `${method} ${bare} is not in the document`).toBeDefined();
  const [template, ops] = entry!;
  const answer = ops[method].responses[String(res.status)];
  expect(answer, `${method} ${path} answered ${res.status}, which the document does not list`).toBeDefined();
  expect(answer.content?.[res.type], `${method} ${path} ${res.status} answered ${res.type}`).toBeDefined();
  const pointer = ["paths", template, method, "responses", String(res.status), "content", res.type, "schema"]
    .map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1"))
    .join("/");
  const validate = ajv.getSchema(`openapi.json#/${pointer}`)!;
  const data = res.type === "application/json" ? JSON.parse(res.text) : res.text;
  const ok = validate(data);
  expect(ok ? [] : validate.errors, `${method} ${path} ${res.status}`).toEqual([]);
  checked.add(`${method} ${template} ${res.status}`);
  return data;
}

async function officeGet(path: string, headers: Record<string, string> = {}) {
  const res = await office.raw("GET", path, undefined, headers);
  const type = (res.headers.get("content-type") ?? "").split(";")[0];
  return expectDocumented("get", `/office/v1/${path}`, { status: res.status, type, text: res.text });
}

async function hubKiosk() {
  const { kiosks } = await office.json("GET", "kiosks");
  return (kiosks as Json[]).find((k) => k.kiosk === "KIOSK-A");
}

function flatCodes(): string[] {
  return (gw.ctx.database.sqlite.query("SELECT code FROM flats ORDER BY code").all() as Array<{ code: string }>).map(
    (f) => f.code,
  );
}

function ownerOf(flat: string): string {
  return (
    gw.ctx.database.sqlite
      .query("SELECT owner_id AS id FROM ownership_shares WHERE flat_code = ? LIMIT 1")
      .get(flat) as { id: string }
  ).id;
}

beforeAll(async () => {
  pg = await startTestPostgres({ fsync: false });
  opened = openHubDb(await createDatabase(pg, "contract"), 4);
  await migrateHubDb(opened.db);
  clock = new ManualClock(START);
  const deps = { db: opened.db, clock };
  await addCooperative(deps, { id: "nasz-dom", name: "SM Nasz Dom" });
  kioskKey = await provisionKiosk(deps, { cooperativeId: "nasz-dom", kioskId: "KIOSK-A" });
  officeKey = await addOfficeKey(deps, { cooperativeId: "nasz-dom" });
  const config = hubConfigSchema.parse({ databaseUrl: "unused: the app gets its db", windowSeconds: WINDOW });
  app = createHubApp({ db: opened.db, config, logger: createLogger("silent"), clock });
  hub = serve(app.fetch);
  office = new OfficeClient({
    baseUrl: `${hub.url}/office/v1`,
    key: officeKey,
    now: () => clock.now().getTime(),
    retries: 0,
  });
  const res = await fetch(`${hub.url}/openapi.json`);
  doc = await res.json();
  ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  ajv.addSchema(doc, "openapi.json");
  // The kiosk's clock and the hub's clock agree (both NTP-synchronised); the machine's own date does not matter.
  gw = await startTestGateway(
    {
      kioskId: "KIOSK-A",
      office: {
        url: `${hub.url}/push/v1`,
        keyId: kioskKey.keyId,
        secret: kioskKey.secret,
        pushBatchSize: 10,
        pushIntervalMs: 20,
        pushBackoffBaseMs: 5,
        pushBackoffMaxMs: 100,
        pushTimeoutMs: 3_000,
      },
    },
    { now: START },
  );
}, 60_000);

afterAll(async () => {
  await gw?.dispose();
  await hub?.stop();
  await opened?.close();
  await pg?.stop();
});

describe("the hub's OpenAPI document", () => {
  it("is served without a signature, is OpenAPI 3.1 with valid JSON Schemas, and documents exactly the routes the hub serves", async () => {
    const res = await fetch(`${hub.url}/openapi.json`);
    expectDocumented("get", "/openapi.json", { status: res.status, type: "application/json", text: await res.text() });
    expect(doc.openapi).toBe("3.1.0");
    const served = app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries<Json>(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    expect([...new Set(served)].sort()).toEqual([...documented].sort());
    // The kiosk side takes the push contract's bodies; the refs all resolve.
    expect(doc.paths["/push/v1/register/events"].post.parameters[0].name).toBe("X-Kiosk-Id");
    for (const ref of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas[ref[1]], ref[1]).toBeDefined();
    }
    // Every schema in it is valid JSON Schema 2020-12 (OpenAPI 3.1's dialect), checked against the meta-schema.
    const meta = new Ajv2020({ strict: false, validateSchema: true });
    expect(meta.validateSchema({ $defs: doc.components.schemas }), JSON.stringify(meta.errors)).toBe(true);
    for (const [path, ops] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(ops)) {
        expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        const schemas = [
          ...Object.values<Json>(op.responses).flatMap((r) => Object.values<Json>(r.content ?? {})),
          ...Object.values<Json>(op.requestBody?.content ?? {}),
          ...(op.parameters ?? []),
        ].map((m) => m.schema);
        for (const schema of schemas) {
          expect(meta.validateSchema(schema), `${method} ${path}: ${JSON.stringify(meta.errors)}`).toBe(true);
        }
      }
    }
  });

  it("answers every route, on both sides, with bodies that validate against the document", async () => {
    const codes = flatCodes();
    for (let i = 0; i < 12; i++) enrolDirect(gw, codes[i], ownerOf(codes[i]), { email: `a${i}@example.pl` });
    await until(async () => (await hubKiosk())?.head_seq === 12, "the kiosk's events at the hub");
    routeCorrespondence(gw.ctx, {
      items: [40, 41].map((n) => ({
        id: `L-${n}`,
        flat: codes[n],
        category: "water_bill",
        generated_at: START,
        subject: `Rachunek ${n}`,
        text: "Treść",
      })),
    });
    await until(async () => (await office.json("GET", "deliveries")).changes.length >= 2, "deliveries at the hub");
    await until(async () => (await office.json("GET", "kiosk-keys")).keys.length >= 1, "the key set at the hub");

    const health = await fetch(`${hub.url}/healthz`);
    expectDocumented("get", "/healthz", { status: health.status, type: "application/json", text: await health.text() });
    const page = await officeGet("register/events?after=0&limit=5");
    expect(page.events.map((e: Json) => e.cursor)).toEqual([1, 2, 3, 4, 5]);
    await officeGet("register/flats");
    await officeGet(`register/flats/${encodeURIComponent(codes[0])}`);
    await officeGet("register/flats/NO-SUCH-FLAT");
    await officeGet("deliveries?after=0");
    await officeGet("paper");
    await officeGet("paper?date=2026-02-30");
    await officeGet("kiosk-keys");
    await officeGet("kiosks");
    await officeGet("register/events?limit=0");
    // Refusals: unsigned, and a kiosk's push key on the office side.
    const unsigned = await fetch(`${hub.url}/office/v1/paper`);
    expectDocumented("get", "/office/v1/paper", {
      status: unsigned.status,
      type: "application/json",
      text: await unsigned.text(),
    });
    const asKiosk = await signed(kioskKey, "GET", "/office/v1/paper");
    expect(asKiosk.status).toBe(403);
    expect(asKiosk.text).not.toContain("@");
    expectDocumented("get", "/office/v1/paper", asKiosk);

    // The kiosk side, signed with the kiosk's key: a resend, a gap, a break, a bad body, the key set.
    const events = gw.ctx.register.eventsAfter(0, 3);
    const resend = expectDocumented(
      "post",
      "/push/v1/register/events",
      await pushAs("register/events", { events, next_cursor: 3, head_seq: 12, has_more: true }),
    );
    expect(resend).toMatchObject({ applied: 0, duplicates: 3, head_seq: 12 });
    // Nothing new at the kiosk meanwhile, so the hub's head stays at 12.
    const [twelve] = gw.ctx.register.eventsAfter(11, 1);
    const gap = expectDocumented(
      "post",
      "/push/v1/register/events",
      await pushAs("register/events", {
        events: [{ ...twelve, seq: 20 }],
        next_cursor: 20,
        head_seq: 20,
        has_more: false,
      }),
    );
    expect(gap).toMatchObject({ head_seq: 12, problem: { kind: "gap", seq: 20 }, error: { code: "gap" } });
    const forged = { ...twelve, seq: 13, prevHash: twelve.hash };
    const broken = expectDocumented(
      "post",
      "/push/v1/register/events",
      await pushAs("register/events", { events: [forged], next_cursor: 13, head_seq: 13, has_more: false }),
    );
    expect(broken).toMatchObject({ head_seq: 12, problem: { kind: "bad_hash", seq: 13, kiosk: "KIOSK-A" } });
    expectDocumented("post", "/push/v1/register/events", await pushAs("register/events", { events: "nope" }));
    const changes = (await office.json("GET", "deliveries")).changes.map(
      ({ cursor: _c, kiosk: _k, ...change }: Json) => change,
    );
    const again = expectDocumented("post", "/push/v1/deliveries", await pushAs("deliveries", { changes }));
    expect(again).toMatchObject({ applied: 0, duplicates: changes.length });
    const keys = (await office.json("GET", "kiosk-keys")).keys.map(({ kiosk: _k, ...jwk }: Json) => jwk);
    expectDocumented("post", "/push/v1/kiosk-keys", await pushAs("kiosk-keys", { keys }));
    expectDocumented("post", "/push/v1/kiosk-keys", await signed(officeKey, "POST", "/push/v1/kiosk-keys", { keys }));

    const withBreak = await officeGet("kiosks");
    expect(withBreak.kiosks[0].chain_breaks).toEqual([expect.objectContaining({ seq: 13, kind: "bad_hash" })]);
    // Every documented success is exercised (errors are checked where they occur).
    const successes = Object.entries<Json>(doc.paths).flatMap(([template, ops]) =>
      Object.entries<Json>(ops).map(([method]) => `${method} ${template} 200`),
    );
    expect(successes.filter((s) => !checked.has(s))).toEqual([]);
  }, 60_000);
});

describe("the hub's paper list", () => {
  it("gives the office each letter's address and owners as the kiosk holds them, and only the office", async () => {
    const day = START.slice(0, 10);
    const list = await officeGet(`paper?date=${day}`);
    const own = paperList(gw.ctx, { date: day });
    expect(own.length).toBe(2);
    expect(list.count).toBe(2);
    expect(list.items).toEqual(own.map((item) => ({ ...item, kiosk: "KIOSK-A", details_held_at_kiosk: false })));
    for (const item of list.items) {
      expect(item.address).toMatch(/ m\. /);
      expect(item.owners.length).toBeGreaterThan(0);
      expect(item.subject).toMatch(/^Rachunek/);
    }
    // The same as CSV: the kiosk's own paper CSV, row by row, with the kiosk as the last column.
    const csv: string = await officeGet(`paper?date=${day}`, { accept: "text/csv" });
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/,kiosk$/);
    expect(lines.slice(1).every((l) => l.endsWith(",KIOSK-A"))).toBe(true);
    expect(`${lines.map((l) => l.replace(/,(kiosk|KIOSK-A)$/, "")).join("\r\n")}\r\n`).toBe(paperCsv(own));
    // Not in the deliveries feed, not to a kiosk's key, not without a signature.
    const feed = JSON.stringify(await office.json("GET", "deliveries"));
    for (const item of list.items) expect(feed).not.toContain(item.address);
    const name = list.items[0].owners[0];
    for (const res of [
      await signed(kioskKey, "GET", `/office/v1/paper?date=${day}`),
      await fetch(`${hub.url}/office/v1/paper?date=${day}`).then(async (r) => ({ text: await r.text() })),
      await fetch(`${hub.url}/openapi.json`).then(async (r) => ({ text: await r.text() })),
    ]) {
      expect(res.text).not.toContain(name);
      expect(res.text).not.toContain(list.items[0].address);
    }
  });
});

describe("the hub's clock", () => {
  it("judges signatures, stamps pushes and picks the paper list's day by its injected clock", async () => {
    // The machine's date is far from START: every push the kiosk made was judged by the hub's clock.
    const kiosk = await hubKiosk();
    expect(Date.parse(kiosk.last_push_at)).toBeGreaterThanOrEqual(Date.parse(START));
    expect(Date.parse(kiosk.last_push_at)).toBeLessThanOrEqual(clock.now().getTime());
    expect((await office.json("GET", "paper")).date).toBe("2026-03-02");

    const signedAt = clock.now().getTime() / 1000;
    expect((await signed(officeKey, "GET", "/office/v1/kiosks", undefined, { at: signedAt })).status).toBe(200);
    const replay = await signed(officeKey, "GET", "/office/v1/kiosks", undefined, {
      at: signedAt,
      nonce: "the-same-nonce-0001",
    });
    expect(replay.status).toBe(200);
    const replayed = await signed(officeKey, "GET", "/office/v1/kiosks", undefined, {
      at: signedAt,
      nonce: "the-same-nonce-0001",
    });
    expect(JSON.parse(replayed.text).error.code).toBe("replayed");

    // Time moves on past the window: the same timestamp is now too old, by the hub's clock.
    clock.advance((WINDOW + 60) * 1000);
    gw.clock.advance((WINDOW + 60) * 1000);
    const stale = await signed(officeKey, "GET", "/office/v1/kiosks", undefined, { at: signedAt });
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.text)).toMatchObject({
      error: { code: "timestamp_skew" },
      server_time: Math.floor(clock.now().getTime() / 1000),
    });
    // Nonces older than two windows are forgotten; a replay of one is still refused by its timestamp.
    clock.advance(WINDOW * 2 * 1000);
    gw.clock.advance(WINDOW * 2 * 1000);
    await pruneNonces({ db: opened.db, clock }, { olderThanSeconds: WINDOW * 2 });
    const old = await signed(officeKey, "GET", "/office/v1/kiosks", undefined, {
      at: signedAt,
      nonce: "the-same-nonce-0001",
    });
    expect(JSON.parse(old.text).error.code).toBe("timestamp_skew");
    const fresh = await signed(officeKey, "GET", "/office/v1/kiosks", undefined, { nonce: "the-same-nonce-0001" });
    expect(fresh.status).toBe(200);

    // The next local day by the hub's clock (Warsaw: 23:30 UTC on 2 March is 00:30 on 3 March).
    clock.set("2026-03-02T23:30:00Z");
    gw.clock.set("2026-03-02T23:30:00Z");
    expect((await office.json("GET", "paper")).date).toBe("2026-03-03");
    enrolDirect(gw, flatCodes()[30], ownerOf(flatCodes()[30]), { email: "late@example.pl" });
    await until(async () => (await hubKiosk())?.head_seq === 13, "the late push");
    expect((await hubKiosk()).last_push_at).toBe("2026-03-02T23:30:00.000Z");
  }, 30_000);
});
