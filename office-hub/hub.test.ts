/**
 * The office hub on a real PostgreSQL, fed by real gateways' push sync (gateway/office/push.ts)
 * over HTTP, the hub running as its own process so it can be killed and restarted.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calendarDate } from "../gateway/domain/paperForm.ts";
import { type ConsentEvent, verifyChain } from "../gateway/domain/registerEvents.ts";
import { OfficeClient } from "../gateway/office/client.ts";
import { routeCorrespondence } from "../gateway/services/routeCorrespondence.ts";
import { type FaultProxy, startFaultProxy } from "../gateway/testing/faultProxy.ts";
import { startTestGateway, type TestGateway } from "../gateway/testing/harness.ts";
import { enrolDirect } from "../gateway/testing/office.ts";
import { type HubProcess, hubCli, officeKeyByCli, provisionKioskByCli, startHubProcess } from "./testing/hubProcess.ts";
import { createDatabase, freePort, startTestPostgres, type TestPostgres } from "./testing/postgres.ts";

let pg: TestPostgres;
let databaseUrl: string;
let hub: HubProcess;
let hubPort: number;
let office: OfficeClient;
const kioskKeys = new Map<string, { keyId: string; secret: string }>();
const gateways = new Map<string, TestGateway>();
const cleanups: Array<() => Promise<void> | void> = [];

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = "condition"): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function gatewayHead(gw: TestGateway): number {
  return gw.ctx.register.status.ok ? gw.ctx.register.status.headSeq : -1;
}

async function hubKiosk(kiosk: string) {
  const { kiosks } = await office.json("GET", "kiosks");
  return (kiosks as Array<{ kiosk: string; head_seq: number; chain_breaks: unknown[] }>).find((k) => k.kiosk === kiosk);
}

async function sql<T>(query: string): Promise<T[]> {
  const client = new SQL(databaseUrl);
  try {
    return (await client.unsafe(query)) as T[];
  } finally {
    await client.close();
  }
}

async function startKiosk(kioskId: string, target = `http://127.0.0.1:${hubPort}/push/v1`): Promise<TestGateway> {
  const key = kioskKeys.get(kioskId) ?? provisionKioskByCli(databaseUrl, "nasz-dom", kioskId);
  kioskKeys.set(kioskId, key);
  const gw = await startTestGateway(
    {
      kioskId,
      office: {
        url: target,
        keyId: key.keyId,
        secret: key.secret,
        pushBatchSize: 25,
        pushIntervalMs: 20,
        pushBackoffBaseMs: 5,
        pushBackoffMaxMs: 100,
        pushTimeoutMs: 3_000,
      },
    },
    { now: new Date().toISOString() },
  );
  gateways.set(kioskId, gw);
  cleanups.push(() => gw.dispose());
  return gw;
}

function ownerOf(gw: TestGateway, flat: string): string {
  return (
    gw.ctx.database.sqlite
      .query("SELECT owner_id AS id FROM ownership_shares WHERE flat_code = ? LIMIT 1")
      .get(flat) as { id: string }
  ).id;
}

function flats(gw: TestGateway): string[] {
  return (gw.ctx.database.sqlite.query("SELECT code FROM flats ORDER BY code").all() as Array<{ code: string }>).map(
    (f) => f.code,
  );
}

/** All of the cooperative's events through the office API, page by page. */
async function officeEvents(
  limit = 200,
): Promise<Array<ConsentEvent & { kiosk: string; cursor: number; applied_at: string; conflict?: unknown }>> {
  const all = [];
  let after = 0;
  for (;;) {
    const page = await office.json("GET", `register/events?after=${after}&limit=${limit}`);
    all.push(...page.events);
    after = page.next_cursor;
    if (!page.has_more) return all;
  }
}

function strip(e: ConsentEvent): ConsentEvent {
  const { seq, type, flatCode, ownerId, payload, occurredAt, prevHash, hash } = e;
  return { seq, type, flatCode, ownerId, payload, occurredAt, prevHash, hash } as ConsentEvent;
}

async function expectKioskCopyWhole(kioskId: string) {
  const gw = gateways.get(kioskId)!;
  const mine = (await officeEvents()).filter((e) => e.kiosk === kioskId).map(strip);
  expect(mine.length).toBe(gatewayHead(gw));
  expect(verifyChain(mine)).toMatchObject({ ok: true, headSeq: gatewayHead(gw) });
  expect(mine).toEqual(gw.ctx.register.eventsAfter(0, 100_000).map(strip));
}

beforeAll(async () => {
  pg = await startTestPostgres({ fsync: false });
  databaseUrl = await createDatabase(pg, "hub");
  for (const round of [1, 2]) {
    const setup = hubCli(databaseUrl, ["setup"]);
    expect(setup.status, `setup round ${round}: ${setup.stderr}`).toBe(0);
  }
  expect(hubCli(databaseUrl, ["add-cooperative", "nasz-dom", "--name", "SM Nasz Dom"]).status).toBe(0);
  hubPort = await freePort();
  hub = await startHubProcess(databaseUrl, hubPort);
  office = new OfficeClient({ baseUrl: `${hub.url}/office/v1`, key: officeKeyByCli(databaseUrl, "nasz-dom") });
}, 60_000);

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await hub?.stop();
  await pg?.stop();
});

describe("office hub on PostgreSQL", () => {
  it("refuses a start without a database URL, naming the key, and explains its commands", () => {
    const bare = hubCli("", ["serve"]);
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain('"databaseUrl"');
    const help = hubCli(databaseUrl, ["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("add-kiosk");
    const unknown = hubCli(databaseUrl, ["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it("takes two kiosks pushing at once, keeps each chain whole, and lets the later application for a flat win", async () => {
    const [a, b] = await Promise.all([startKiosk("KIOSK-A"), startKiosk("KIOSK-B")]);
    const codes = flats(a);
    const base = Date.now() - 3_600_000;
    // Both lobbies at once: A enrols flats 0..59, B flats 50..109; flats 50..59 are applied for at
    // both, and B's applications there are later (the resident re-applied downstairs).
    for (let i = 0; i < 60; i++) {
      enrolDirect(
        a,
        codes[i],
        ownerOf(a, codes[i]),
        { email: `a${i}@example.pl` },
        new Date(base + i * 1000).toISOString(),
      );
      const j = 50 + i;
      enrolDirect(
        b,
        codes[j],
        ownerOf(b, codes[j]),
        { email: `b${j}@example.pl` },
        new Date(base + 600_000 + i * 1000).toISOString(),
      );
    }
    await until(
      async () => (await hubKiosk("KIOSK-A"))?.head_seq === 60 && (await hubKiosk("KIOSK-B"))?.head_seq === 60,
      30_000,
      "both kiosks at the hub",
    );
    await expectKioskCopyWhole("KIOSK-A");
    await expectKioskCopyWhole("KIOSK-B");
    const events = await officeEvents();
    expect(events).toHaveLength(120);
    expect(events.map((e) => e.cursor)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));

    const contested = codes[55];
    const state = await office.json("GET", `register/flats/${encodeURIComponent(contested)}`);
    expect(state).toMatchObject({ kiosk: "KIOSK-B", email: "b55@example.pl", status: "active" });
    const aboutIt = events.filter((e) => e.flatCode === contested);
    expect(aboutIt).toHaveLength(2);
    const decided = aboutIt.find((e) => e.conflict);
    expect(decided?.conflict).toMatchObject({ rule: "later_application_wins" });
    // Whichever arrived second says so: B's replaced A's, or A's was superseded by B's.
    expect(
      decided!.kiosk === "KIOSK-B"
        ? (decided!.conflict as { outcome: string; replaced: { kiosk: string } }).replaced.kiosk
        : (decided!.conflict as { outcome: string; by: { kiosk: string } }).by.kiosk,
    ).toBe(decided!.kiosk === "KIOSK-B" ? "KIOSK-A" : "KIOSK-B");
    // The decision names the other kiosk's application (its seq and time), and the flat is held by B's.
    const other = aboutIt.find((e) => e !== decided)!;
    const named =
      (decided!.conflict as { replaced?: unknown; by?: unknown }).replaced ?? (decided!.conflict as { by: unknown }).by;
    expect(named).toEqual({
      kiosk: other.kiosk,
      seq: other.seq,
      applied_at: other.applied_at,
    });
    const fromB = aboutIt.find((e) => e.kiosk === "KIOSK-B")!;
    expect(state).toMatchObject({ decidedBySeq: fromB.seq, appliedAt: fromB.applied_at });
    const uncontested = await office.json("GET", `register/flats/${encodeURIComponent(codes[3])}`);
    expect(uncontested).toMatchObject({ kiosk: "KIOSK-A", email: "a3@example.pl" });

    // Letters the office routed at kiosk A: flats with no consent go by post and reach the paper list.
    // The local day in the hub's zone (an hour after UTC midnight in winter is still yesterday in UTC).
    const today = calendarDate(new Date(), "Europe/Warsaw");
    routeCorrespondence(a.ctx, {
      items: [110, 111, 112].map((n) => ({
        id: `L-${n}`,
        flat: codes[n],
        category: "water_bill",
        generated_at: new Date().toISOString(),
        subject: `Rachunek ${n}`,
        text: "Treść",
      })),
    });
    await until(
      async () => (await office.json("GET", "deliveries")).changes.length >= 3,
      20_000,
      "deliveries at the hub",
    );
    const paper = await office.json("GET", `paper?date=${today}`);
    expect(paper.items.map((i: { correspondence_id: string }) => i.correspondence_id).sort()).toEqual([
      "L-110",
      "L-111",
      "L-112",
    ]);
    expect(paper.items[0]).toMatchObject({ kiosk: "KIOSK-A", source: "routed" });
  }, 60_000);

  it("answers the office only when signed with an office key, and a kiosk key cannot read", async () => {
    const plain = await fetch(`${hub.url}/office/v1/register/events`);
    expect(plain.status).toBe(401);
    expect(JSON.stringify(await plain.json())).not.toContain("@example.pl");
    const asKiosk = new OfficeClient({ baseUrl: `${hub.url}/office/v1`, key: kioskKeys.get("KIOSK-A")!, retries: 0 });
    const refused = await asKiosk.raw("GET", "register/events");
    expect(refused.status).toBe(403);
    const badDate = await office.raw("GET", "paper?date=yesterday");
    expect(badDate.status).toBe(400);
  });

  it("loses nothing and doubles nothing when the hub is killed mid-push and started again", async () => {
    const a = gateways.get("KIOSK-A")!;
    const codes = flats(a);
    const before = gatewayHead(a);
    for (let i = 0; i < 400; i++)
      enrolDirect(a, codes[i % 120], ownerOf(a, codes[i % 120]), { email: `r${i}@example.pl` });
    await until(
      async () => ((await hubKiosk("KIOSK-A"))?.head_seq ?? 0) > before + 50,
      20_000,
      "the push to be under way",
    );
    await hub.kill();
    const during = (
      await sql<{ n: number }>("SELECT count(*)::int AS n FROM register_events WHERE kiosk_id = 'KIOSK-A'")
    )[0].n;
    expect(during).toBeLessThan(before + 400);
    await new Promise((r) => setTimeout(r, 300));
    hub = await startHubProcess(databaseUrl, hubPort);
    await until(
      async () => (await hubKiosk("KIOSK-A"))?.head_seq === before + 400,
      30_000,
      "the rest after the restart",
    );
    await expectKioskCopyWhole("KIOSK-A");
    // The office pages through the cooperative's feed (pages that end inside a pushed batch):
    // numbers 1, 2, 3, … with no hole and no repeat.
    const cursors = (await officeEvents(37)).map((e) => e.cursor);
    expect(cursors).toEqual(Array.from({ length: cursors.length }, (_, i) => i + 1));
    expect(cursors.length).toBe(gatewayHead(a) + gatewayHead(gateways.get("KIOSK-B")!));
  }, 60_000);

  it("never lets the office's cursor pass a batch that commits after later batches were numbered", async () => {
    expect(hubCli(databaseUrl, ["add-cooperative", "pozne", "--name", "SM Późne"]).status).toBe(0);
    const lateOffice = new OfficeClient({ baseUrl: `${hub.url}/office/v1`, key: officeKeyByCli(databaseUrl, "pozne") });
    // What a push stores: the event and its batch's unnumbered feed range.
    const row = (kiosk: string) =>
      `WITH stored AS (INSERT INTO register_events (cooperative_id, kiosk_id, seq, type, flat_code, payload, occurred_at, applied_at, prev_hash, hash)
       VALUES ('pozne', '${kiosk}', 1, 'enrolled', 'F-1', '{}', '2026-03-02T08:00:00Z', '2026-03-02T08:00:00Z', '${"0".repeat(64)}', '${"1".repeat(64)}'))
       INSERT INTO feed_ranges (cooperative_id, kiosk_id, first_seq, last_seq) VALUES ('pozne', '${kiosk}', 1, 1)`;
    const slow = new SQL(databaseUrl);
    try {
      await slow.begin(async (tx) => {
        // A batch stored first but still committing while a later one commits and is read.
        await tx.unsafe(row("SLOW"));
        await sql(row("FAST"));
        const first = await lateOffice.json("GET", "register/events?after=0");
        expect(first.events.map((e: { kiosk: string; cursor: number }) => [e.kiosk, e.cursor])).toEqual([["FAST", 1]]);
        expect(first.next_cursor).toBe(1);
      });
      const next = await lateOffice.json("GET", "register/events?after=1");
      expect(next.events.map((e: { kiosk: string; cursor: number }) => [e.kiosk, e.cursor])).toEqual([["SLOW", 2]]);
    } finally {
      await slow.close();
    }
  });

  it("refuses a kiosk whose chain was tampered with and names the kiosk, the event and the hashes", async () => {
    let proxy: FaultProxy | undefined;
    proxy = await startFaultProxy({ target: `http://127.0.0.1:${hubPort}`, decide: () => "pass" });
    cleanups.push(() => proxy?.stop());
    proxy.down = true;
    const c = await startKiosk("KIOSK-C", `${proxy.url}/push/v1`);
    const codes = flats(c);
    for (let i = 0; i < 10; i++) enrolDirect(c, codes[i], ownerOf(c, codes[i]), { email: `c${i}@example.pl` });
    // Someone edits event 6 in the kiosk's database: the email is changed, the hash left as it was.
    c.ctx.database.sqlite
      .query("UPDATE register_events SET payload = replace(payload, 'c5@example.pl', 'evil@example.pl') WHERE seq = 6")
      .run();
    proxy.down = false;
    await until(async () => ((await hubKiosk("KIOSK-C"))?.chain_breaks.length ?? 0) > 0, 20_000, "the refusal");
    const seen = await hubKiosk("KIOSK-C");
    expect(seen?.head_seq).toBe(5);
    const [refusal] = seen!.chain_breaks as Array<{ seq: number; kind: string; expected: string; found: string }>;
    const original = c.ctx.database.sqlite.query("SELECT hash FROM register_events WHERE seq = 6").get() as {
      hash: string;
    };
    expect(refusal).toMatchObject({ seq: 6, kind: "bad_hash", found: `hash ${original.hash}` });
    expect(refusal.expected).toMatch(/^hash [0-9a-f]{64}$/);
    expect(refusal.expected).not.toBe(refusal.found);
    const health = (await c.ctx.health.report()).parts.office_sync;
    expect(String(health.lastError)).toContain("6");
    expect(String(health.lastError)).toContain("bad_hash");
    const [stored] = await sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM register_events WHERE kiosk_id = 'KIOSK-C'",
    );
    expect(stored.n).toBe(5);
    await c.dispose();
    gateways.delete("KIOSK-C");
  }, 40_000);

  it("refills a hub whose database was lost from the kiosks themselves", async () => {
    const a = gateways.get("KIOSK-A")!;
    const b = gateways.get("KIOSK-B")!;
    const contested = flats(a)[55];
    const stateBefore = await office.json("GET", `register/flats/${encodeURIComponent(contested)}`);
    await hub.stop();
    await sql("SELECT 1");
    const admin = new SQL(pg.url);
    await admin.unsafe("DROP DATABASE hub WITH (FORCE)");
    await admin.unsafe("CREATE DATABASE hub");
    await admin.close();
    expect(hubCli(databaseUrl, ["setup"]).status).toBe(0);
    expect(hubCli(databaseUrl, ["add-cooperative", "nasz-dom", "--name", "SM Nasz Dom"]).status).toBe(0);
    // The technician re-registers each kiosk's existing key from the kiosk's own configuration.
    const dir = mkdtempSync(join(tmpdir(), "ekor-hub-keys-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const kioskId of ["KIOSK-A", "KIOSK-B"]) {
      const key = kioskKeys.get(kioskId)!;
      const file = join(dir, kioskId);
      writeFileSync(file, key.secret, { mode: 0o600 });
      const again = hubCli(databaseUrl, [
        "add-kiosk",
        kioskId,
        "--cooperative",
        "nasz-dom",
        "--key-id",
        key.keyId,
        "--secret-file",
        file,
      ]);
      expect(again.status, again.stderr).toBe(0);
    }
    office = new OfficeClient({ baseUrl: `${hub.url}/office/v1`, key: officeKeyByCli(databaseUrl, "nasz-dom") });
    hub = await startHubProcess(databaseUrl, hubPort);
    // The next application at each lobby makes the kiosks find the hub empty and resend from the start.
    enrolDirect(a, flats(a)[115], ownerOf(a, flats(a)[115]), { email: "nowy-a@example.pl" });
    enrolDirect(b, flats(b)[116], ownerOf(b, flats(b)[116]), { email: "nowy-b@example.pl" });
    await until(
      async () =>
        (await hubKiosk("KIOSK-A"))?.head_seq === gatewayHead(a) &&
        (await hubKiosk("KIOSK-B"))?.head_seq === gatewayHead(b),
      40_000,
      "the refill",
    );
    await expectKioskCopyWhole("KIOSK-A");
    await expectKioskCopyWhole("KIOSK-B");
    // The deliveries and the key sets come back too: the kiosks ask the empty hub for its heads.
    await until(
      async () => (await office.json("GET", "deliveries")).changes.length >= 3,
      30_000,
      "deliveries refilled",
    );
    await until(async () => (await office.json("GET", "kiosk-keys")).keys.length >= 2, 30_000, "key sets refilled");
    const keys = (await office.json("GET", "kiosk-keys")).keys as Array<{ kiosk: string; kid: string }>;
    expect(keys.map((k) => k.kiosk).sort()).toEqual(["KIOSK-A", "KIOSK-B"]);
    const stateAfter = await office.json("GET", `register/flats/${encodeURIComponent(contested)}`);
    expect(stateAfter).toMatchObject({ kiosk: stateBefore.kiosk, email: stateBefore.email });
  }, 90_000);
});
