import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { type OpenedDb, openDb } from "../../db/client.ts";
import { kioskKeySet } from "../receipts/kioskKey.ts";
import { addOfficeKey } from "../services/addOfficeKey.ts";
import { listDeliveries } from "../services/listDeliveries.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { enrolDirect, serve } from "../testing/office.ts";
import { OfficeClient } from "./client.ts";
import { copyEvents, readCursor, verifyCopy } from "./officeCopy.ts";
import { DELIVERIES_CURSOR, EVENTS_CURSOR } from "./push.ts";
import { createOfficeReceiver } from "./receiver.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const SECRET = "p".repeat(40);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function headerCopy(headers: Headers): Record<string, string> {
  const copy: Record<string, string> = {};
  headers.forEach((value, name) => {
    copy[name] = value;
  });
  return copy;
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function officeDb(): OpenedDb {
  const dir = mkdtempSync(join(tmpdir(), "ekor-push-office-"));
  const db = openDb(join(dir, "office.sqlite"));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

interface Seen {
  path: string;
  headers: Headers;
  body: string;
  status: number;
}

/**
 * An office on a real port: `override` answers some requests itself (a broken office); the rest
 * go to the reference receiver. Every request and its status is recorded.
 */
function office(override: (path: string, body: string) => Response | undefined = () => undefined) {
  const db = officeDb();
  let gw: TestGateway | undefined;
  const receiver = createOfficeReceiver({
    db: db.db,
    keys: { "gw-push": SECRET },
    now: () => (gw ? gw.clock.now().getTime() : Date.now()),
  });
  const inner = new Hono().route("/ekor/inbox", receiver.app);
  const seen: Seen[] = [];
  const served = serve(async (request) => {
    const body = await request.clone().text();
    const path = new URL(request.url).pathname;
    const response = override(path, body) ?? (await inner.fetch(request));
    seen.push({ path, headers: request.headers, body, status: response.status });
    return response;
  });
  cleanups.push(() => served.stop());
  return {
    db,
    receiver,
    seen,
    url: `${served.url}/ekor/inbox`,
    attach(g: TestGateway) {
      gw = g;
    },
  };
}

async function pushingGateway(url: string, office: Record<string, unknown> = {}): Promise<TestGateway> {
  const gw = await startTestGateway({
    office: {
      url,
      keyId: "gw-push",
      secret: SECRET,
      pushBatchSize: 5,
      pushIntervalMs: 20,
      pushBackoffBaseMs: 40,
      pushBackoffMaxMs: 300,
      pushTimeoutMs: 2_000,
      pushHeadCheckMs: 100,
      ...office,
    },
  });
  cleanups.push(() => gw.dispose());
  return gw;
}

function enrolSome(gw: TestGateway, n: number, from = 0): void {
  const shares = gw.ctx.database.sqlite
    .query("SELECT flat_code, owner_id FROM ownership_shares ORDER BY flat_code")
    .all() as Array<{ flat_code: string; owner_id: string }>;
  for (let i = from; i < from + n; i++) {
    const share = shares[i % shares.length];
    enrolDirect(gw, share.flat_code, share.owner_id, { email: `osoba${i}@example.pl` });
  }
}

/** Letters to send: each one writes delivery changes (queued or paper) at routing. */
async function sendLetters(gw: TestGateway, ids: string[]): Promise<void> {
  const key = addOfficeKey(gw.ctx, { clientId: "office", keyId: `office-${ids[0]}` });
  const api = serve(gw.officeApp.fetch);
  cleanups.push(() => api.stop());
  const client = new OfficeClient({ baseUrl: `${api.url}/office/v1`, key, now: () => gw.clock.now().getTime() });
  const flats = gw.ctx.database.sqlite.query("SELECT code FROM flats ORDER BY code").all() as Array<{ code: string }>;
  await client.json("POST", "correspondence", {
    items: ids.map((id, i) => ({
      id,
      flat: flats[i % flats.length].code,
      category: "water_bill",
      generated_at: "2026-03-01T12:00:00Z",
      subject: `Pismo ${id}`,
      text: "Treść",
    })),
  });
}

const headOf = (gw: TestGateway) => (gw.ctx.register.status.ok ? gw.ctx.register.status.headSeq : -1);
const officeEvents = (db: OpenedDb) =>
  (db.sqlite.query("SELECT count(*) AS n FROM register_events").get() as { n: number }).n;
const officeDeliveries = (db: OpenedDb) =>
  (db.sqlite.query("SELECT count(*) AS n FROM deliveries").get() as { n: number }).n;
const allDeliveries = (gw: TestGateway) => listDeliveries(gw.ctx, { after: 0, limit: 100_000 }).changes.length;

type SyncPart = Record<string, unknown> & { streams: Record<string, Record<string, unknown>> };

async function officeSyncPart(gw: TestGateway, publicView = false): Promise<SyncPart> {
  if (publicView) return (await gw.json("GET", "/healthz")).body.parts.office_sync;
  return (await gw.ctx.health.report()).parts.office_sync as unknown as SyncPart;
}

describe("the push contract, stream by stream", () => {
  it("documents every request the gateway sends, the key set at <url>/kiosk-keys included", async () => {
    const o = office();
    const gw = await pushingGateway(o.url);
    o.attach(gw);
    enrolSome(gw, 3);
    await sendLetters(gw, ["D-1"]);
    await until(
      () => officeEvents(o.db) === 3 && officeDeliveries(o.db) > 0 && o.receiver.received.kioskKeys.length > 0,
      "every stream at the office",
    );
    const suffixes = new Set(o.seen.map((s) => s.path.replace("/ekor/inbox/", "")));
    expect([...suffixes].sort()).toEqual(["deliveries", "kiosk-keys", "register/events"]);

    const doc = (await gw.json("GET", "/office/v1/openapi.json")).body;
    const documented = Object.entries(doc.webhooks as Record<string, { post: { "x-path"?: string } }>).map(
      ([name, w]) => (w.post["x-path"] ?? name).replace(/^\//, ""),
    );
    for (const suffix of suffixes) expect(documented).toContain(suffix);
    const guide = readFileSync(join(ROOT, "docs/office-api.md"), "utf8");
    expect(guide).toContain("POST <url>/kiosk-keys");
  });

  it("backs off on a 200 that breaks the contract, says so in /healthz, and never stores NaN", async () => {
    // The office of the issue: 200 {"ok":true} to everything.
    const o = office(() => Response.json({ ok: true }));
    const gw = await pushingGateway(o.url, { pushBackoffBaseMs: 100, pushBackoffMaxMs: 400 });
    o.attach(gw);
    enrolSome(gw, 3);
    await sleep(1_500);
    const eventRequests = o.seen.filter((s) => s.path.endsWith("/register/events")).length;
    // Backoff from 100 ms, capped at 400 ms: at most about a dozen tries in 1.5 s (not 14,400 in 36 s).
    expect(eventRequests).toBeGreaterThan(0);
    expect(eventRequests).toBeLessThan(20);
    const raw = gw.ctx.database.sqlite.query("SELECT value FROM sync_cursors WHERE name = ?").get(EVENTS_CURSOR) as
      | { value: string }
      | undefined;
    expect(raw === null || raw === undefined || /^\d+$/.test(raw.value), JSON.stringify(raw)).toBe(true);
    expect(readCursor(gw.ctx.db, EVENTS_CURSOR)).toBe(0);

    const publicPart = await officeSyncPart(gw, true);
    expect(publicPart.status).toBe("down");
    expect(publicPart.streams.registerEvents).toMatchObject({ status: "down", reasonCode: "bad_answer" });
    const part = await officeSyncPart(gw);
    expect(String(part.streams.registerEvents.lastError)).toContain("head_seq");
    expect(part.lastSuccessAt).toBeNull();
    for (const stream of Object.values(part.streams)) expect(stream.lastSuccessAt).toBeNull();
  });

  it("signs the full request path, office URL prefix included, and the kiosk id", async () => {
    const o = office();
    const gw = await pushingGateway(o.url);
    o.attach(gw);
    enrolSome(gw, 1);
    await until(() => officeEvents(o.db) === 1, "the event at the office");
    const request = o.seen.find((s) => s.path.endsWith("/register/events") && s.status === 200);
    if (!request) throw new Error("no accepted events request");
    const h = (name: string) => request.headers.get(name) ?? "";
    expect(h("x-kiosk-id")).toBe(gw.config.kioskId);
    const lines = [
      "POST",
      "/ekor/inbox/register/events",
      h("x-office-timestamp"),
      h("x-office-nonce"),
      createHash("sha256").update(request.body).digest("hex"),
    ];
    const hmac = (text: string) => createHmac("sha256", SECRET).update(text).digest("hex");
    expect(h("x-office-signature")).toBe(hmac([...lines, h("x-kiosk-id")].join("\n")));
    expect(h("x-office-signature")).not.toBe(hmac(lines.join("\n")));
    // A receiver that checks the kiosk id refuses the same request from another kiosk's id.
    const forged = await fetch(`${o.url}/register/events`, {
      method: "POST",
      headers: { ...headerCopy(request.headers), "x-kiosk-id": "someone-else" },
      body: request.body,
    });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.code).toBe("bad_signature");
  });

  it("takes 204 No Content as success for the key set and for deliveries", async () => {
    const o = office((path) =>
      path.endsWith("/kiosk-keys") || path.endsWith("/deliveries") ? new Response(null, { status: 204 }) : undefined,
    );
    const gw = await pushingGateway(o.url);
    o.attach(gw);
    enrolSome(gw, 2);
    await sendLetters(gw, ["N-1", "N-2", "N-3"]);
    const last = listDeliveries(gw.ctx, { after: 0, limit: 100_000 }).next_cursor;
    expect(last).toBeGreaterThan(0);
    await until(() => readCursor(gw.ctx.db, DELIVERIES_CURSOR) === last, "the deliveries cursor");
    await until(() => officeEvents(o.db) === 2, "the events");
    expect(o.seen.filter((s) => s.path.endsWith("/kiosk-keys"))).toHaveLength(1);
    const part = await eventually(async () => {
      const p = await officeSyncPart(gw);
      return p.streams.registerEvents.lastSuccessAt && p.streams.kioskKeys.lastSuccessAt ? p : undefined;
    }, "every stream's answer");
    expect(part.status, JSON.stringify(part)).toBe("ok");
    for (const stream of Object.values(part.streams)) {
      expect(stream).toMatchObject({ status: "ok", consecutiveFailures: 0 });
      expect(stream.lastSuccessAt).not.toBeNull();
    }
  });

  it("refills an office that lost its data from its head, deliveries and key set too, without a new event", async () => {
    const o = office();
    const gw = await pushingGateway(o.url);
    o.attach(gw);
    enrolSome(gw, 12);
    await sendLetters(gw, ["R-1", "R-2"]);
    await until(
      () =>
        officeEvents(o.db) === 12 &&
        officeDeliveries(o.db) === allDeliveries(gw) &&
        o.receiver.received.kioskKeys.length > 0,
      "the first copy",
    );
    // The office restores an empty database: everything it held is gone.
    o.db.sqlite.run("DELETE FROM register_events");
    o.db.sqlite.run("DELETE FROM deliveries");
    o.receiver.received.kioskKeys = [];
    await until(
      () =>
        officeEvents(o.db) === headOf(gw) &&
        officeDeliveries(o.db) === allDeliveries(gw) &&
        o.receiver.received.kioskKeys.length > 0,
      "the refill",
      10_000,
    );
    expect(headOf(gw)).toBe(12);
    expect(verifyCopy(o.db.db)).toMatchObject({ ok: true, headSeq: 12 });
    expect(copyEvents(o.db.db)).toEqual(gw.ctx.register.eventsAfter(0, 1_000));
    expect(o.receiver.received.kioskKeys).toEqual(kioskKeySet(gw.ctx.db).keys);
  });

  it("rewinds at once on a 409 gap and holds, naming the conflict, on every other 409 and a foreign head hash", async () => {
    let answer: ((body: string) => Response) | null = null;
    const o = office((path, body) => (answer && path.endsWith("/register/events") ? answer(body) : undefined));
    const gw = await pushingGateway(o.url, { pushHeadCheckMs: 600_000 });
    o.attach(gw);
    enrolSome(gw, 5);
    await until(() => officeEvents(o.db) === 5 && readCursor(gw.ctx.db, EVENTS_CURSOR) === 5, "the first five");
    // gap: the office lost its copy; only the next event tells (no head check in this test).
    o.db.sqlite.run("DELETE FROM register_events");
    enrolSome(gw, 1, 5);
    await until(() => officeEvents(o.db) === 6, "the refill after a 409 gap");
    expect(verifyCopy(o.db.db)).toMatchObject({ ok: true, headSeq: 6 });
    const gaps = o.seen.filter((s) => s.status === 409 && JSON.parse(s.body).events[0]?.seq === 6);
    expect(gaps).toHaveLength(1);

    const zeros = "0".repeat(64);
    const sixth = gw.ctx.register.eventsAfter(5, 1)[0];
    const cases: Array<[string, (body: string) => Response, string]> = [
      ...(["hash_conflict", "bad_hash", "bad_link"] as const).map(
        (kind) =>
          [
            kind,
            () =>
              Response.json(
                { head_seq: 6, head_hash: sixth.hash, applied: 0, duplicates: 0, problem: { kind, seq: 7 } },
                { status: 409 },
              ),
            `event 7: ${kind}`,
          ] as [string, (body: string) => Response, string],
      ),
      [
        "foreign head",
        () => Response.json({ head_seq: 6, head_hash: zeros.replace(/^0/, "f") }),
        "the office's event 6",
      ],
      ["office ahead", () => Response.json({ head_seq: 99, head_hash: zeros }), "holds events up to 99"],
    ];
    enrolSome(gw, 2, 6);
    for (const [name, reply, says] of cases) {
      answer = reply;
      const part = await eventually(async () => {
        const p = await officeSyncPart(gw);
        return String(p.streams.registerEvents.lastError).includes(says) ? p : undefined;
      }, name);
      expect(part.streams.registerEvents, name).toMatchObject({ status: "down", reasonCode: "conflict" });
      expect(readCursor(gw.ctx.db, EVENTS_CURSOR), name).toBe(6);
    }
    answer = null;
    await until(() => officeEvents(o.db) === 8, "the events once the office agrees again");
  });

  it("keeps pushing events while deliveries and the key set fail, and deliveries while events fail", async () => {
    let failing = new Set(["deliveries", "kiosk-keys"]);
    const o = office((path) =>
      [...failing].some((f) => path.endsWith(`/${f}`))
        ? Response.json({ error: { code: "busy" } }, { status: 503 })
        : undefined,
    );
    const gw = await pushingGateway(o.url);
    o.attach(gw);
    enrolSome(gw, 8);
    await sendLetters(gw, ["S-1"]);
    await until(() => officeEvents(o.db) === 8, "events while deliveries fail");
    expect(officeDeliveries(o.db)).toBe(0);
    await until(() => o.seen.filter((s) => s.path.endsWith("/deliveries")).length >= 2, "deliveries retried");
    let part = await officeSyncPart(gw);
    expect(part.streams.registerEvents).toMatchObject({ status: "ok", consecutiveFailures: 0 });
    expect(part.streams.deliveries.status).not.toBe("ok");
    expect(part.streams.deliveries.reasonCode).toBe("office_error");
    expect(part.status).not.toBe("ok");

    failing = new Set(["register/events"]);
    enrolSome(gw, 4, 8);
    await until(() => officeDeliveries(o.db) === allDeliveries(gw), "deliveries while events fail");
    await until(() => o.receiver.received.kioskKeys.length > 0, "the key set while events fail");
    expect(officeEvents(o.db)).toBe(8);
    // The office stored them before its answer reached the gateway: wait for the answer too.
    part = await eventually(async () => {
      const p = await officeSyncPart(gw);
      return p.streams.deliveries.status === "ok" ? p : undefined;
    }, "the deliveries stream ok");
    expect(part.streams.registerEvents.reasonCode).toBe("office_error");

    failing = new Set();
    await until(() => officeEvents(o.db) === 12, "the events after the office came back");
  });
});

describe("office push configuration through the real start", () => {
  for (const [env, named] of [
    [{ OFFICE_URL: "https://biuro.example.pl/ekor" }, ["office.keyId", "office.secret"]],
    [{ OFFICE_URL: "https://biuro.example.pl/ekor", EK__office__keyId: "pi-1" }, ["office.secret"]],
  ] as const) {
    it(`refuses to start naming ${named.join(" and ")}, without a stack trace`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "ekor-push-config-"));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const result = await execa(join(ROOT, "node_modules/.bin/bun"), ["gateway/main.ts", "--demo"], {
        cwd: ROOT,
        env: { DATA_DIR: dataDir, PORT: "0", OFFICE_PORT: "0", LOG_LEVEL: "warn", ...env },
        reject: false,
        timeout: 60_000,
      });
      expect(result.exitCode, result.stderr).toBe(2);
      for (const key of named) expect(result.stderr).toContain(key);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      // Refused before anything started: no demo key printed, no office key created.
      expect(result.stdout).not.toContain("Office API demo key");
    }, 70_000);
  }
});
