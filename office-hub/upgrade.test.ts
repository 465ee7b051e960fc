/**
 * Upgrading a hub database that already holds data. A real PostgreSQL is brought to migration
 * 0001 (events numbered per row in register_events.coop_seq) and filled as the hub stored pushes
 * then, from two real gateways' chains; then to 0002 (paper letters) and filled as the hub stored
 * them then; some events are still unnumbered, as when the hub stopped before its sequencer ran.
 * Then the hub's own `setup` command upgrades it, and the register feed, the deliveries feed, the
 * flats and the paper list must serve the old data as before, and the kiosks' next pushes must
 * continue their chains and both feeds with no gap and no double.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "drizzle-orm/bun-sql/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../gateway/clock.ts";
import { canonicalJson, effectiveAt } from "../gateway/domain/registerEvents.ts";
import { createLogger } from "../gateway/logger.ts";
import { OfficeClient } from "../gateway/office/client.ts";
import { readCursor, writeCursor } from "../gateway/office/officeCopy.ts";
import { DELIVERIES_CURSOR, EVENTS_CURSOR } from "../gateway/office/push.ts";
import { kioskKeySet } from "../gateway/receipts/kioskKey.ts";
import { listDeliveries } from "../gateway/services/listDeliveries.ts";
import { letterPostDetails, paperList } from "../gateway/services/paperList.ts";
import { routeCorrespondence } from "../gateway/services/routeCorrespondence.ts";
import { startTestGateway, type TestGateway } from "../gateway/testing/harness.ts";
import { enrolDirect, type Served, serve } from "../gateway/testing/office.ts";
import { createHubApp } from "./app.ts";
import { hubConfigSchema } from "./config.ts";
import { MIGRATIONS_FOLDER, type OpenedHubDb, openHubDb } from "./db/client.ts";
import { addCooperative, addOfficeKey, provisionKiosk } from "./services/provision.ts";
import { hubCli } from "./testing/hubProcess.ts";
import { createDatabase, startTestPostgres, type TestPostgres } from "./testing/postgres.ts";

// biome-ignore lint/suspicious/noExplicitAny: the hub's answers and rows are read as plain JSON
type Json = any;

const DAY = "2026-03-02";
const START = `${DAY}T09:00:00Z`;
const COOP = "nasz-dom";
const KIOSKS = ["KIOSK-A", "KIOSK-B"] as const;
type Kiosk = (typeof KIOSKS)[number];

let pg: TestPostgres;
let url: string;
let opened: OpenedHubDb;
let clock: ManualClock;
let hub: Served;
let app: ReturnType<typeof createHubApp> | null = null;
let office: OfficeClient;
const gateways = {} as Record<Kiosk, TestGateway>;
const temp = mkdtempSync(join(tmpdir(), "hub-upgrade-"));

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Applies the first `count` committed migrations only: the database as an older hub left it. */
async function migrateTo(count: number) {
  const folder = join(temp, `migrations-${count}`);
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8"));
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  await migrate(opened.db, { migrationsFolder: folder });
}

const db = () => opened.db.$client;

function flatsOf(gw: TestGateway): Array<{ code: string; owner: string }> {
  return gw.ctx.database.sqlite
    .query(
      "SELECT f.code AS code, (SELECT owner_id FROM ownership_shares s WHERE s.flat_code = f.code LIMIT 1) AS owner FROM flats f ORDER BY f.code",
    )
    .all() as Array<{ code: string; owner: string }>;
}

const APPLICATIONS = new Set(["enrolled", "contacts_updated", "recipient_replaced", "withdrawn"]);
/** What the hub at migrations 0001/0002 kept per flat: the holding kiosk, its application's seq and time. */
const winners = new Map<string, { kioskId: string; seq: number; appliedAt: string }>();

/**
 * Stores one pushed batch of a kiosk's events as the hub did before migration 0003 (commit
 * 9c35fa5): the rows unnumbered (coop_seq null, an arrival number), the later application for a
 * flat winning with a `conflict` on the event, and flat_winners with the winner's seq and time.
 */
async function storeEventsAsBefore(kiosk: Kiosk, events: Json[]) {
  const rows = events.map((e) => {
    const appliedAt = effectiveAt(e);
    let conflict: Json = null;
    if (APPLICATIONS.has(e.type)) {
      const current = winners.get(e.flatCode);
      const mine = { kioskId: kiosk, seq: e.seq, appliedAt };
      const later =
        current &&
        (Date.parse(appliedAt) > Date.parse(current.appliedAt) ||
          (Date.parse(appliedAt) === Date.parse(current.appliedAt) && kiosk > current.kioskId));
      if (!current || current.kioskId === kiosk) winners.set(e.flatCode, mine);
      else if (later) {
        conflict = {
          rule: "later_application_wins",
          outcome: "replaced",
          replaced: { kiosk: current.kioskId, seq: current.seq, applied_at: current.appliedAt },
        };
        winners.set(e.flatCode, mine);
      } else {
        conflict = {
          rule: "later_application_wins",
          outcome: "superseded",
          by: { kiosk: current.kioskId, seq: current.seq, applied_at: current.appliedAt },
        };
      }
    }
    return {
      cooperative_id: COOP,
      kiosk_id: kiosk,
      seq: e.seq,
      type: e.type,
      flat_code: e.flatCode,
      owner_id: e.ownerId,
      payload: canonicalJson(e.payload),
      occurred_at: e.occurredAt,
      applied_at: appliedAt,
      prev_hash: e.prevHash,
      hash: e.hash,
      conflict,
    };
  });
  const decided = [...new Set(rows.map((r) => r.flat_code))]
    .filter((f) => winners.has(f))
    .map((f) => ({ flat_code: f, ...winners.get(f)! }));
  await db().begin(async (tx) => {
    await tx`
      INSERT INTO register_events (cooperative_id, kiosk_id, seq, type, flat_code, owner_id, payload,
        occurred_at, applied_at, prev_hash, hash, conflict)
      SELECT cooperative_id, kiosk_id, seq, type, flat_code, owner_id, payload,
        occurred_at, applied_at, prev_hash, hash, conflict
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) AS x(cooperative_id text,
        kiosk_id text, seq bigint, type text, flat_code text, owner_id text, payload text, occurred_at text,
        applied_at text, prev_hash text, hash text, conflict jsonb)
      ORDER BY seq`;
    for (const w of decided) {
      await tx`
        INSERT INTO flat_winners (cooperative_id, flat_code, kiosk_id, seq, applied_at)
        VALUES (${COOP}, ${w.flat_code}, ${w.kioskId}, ${w.seq}, ${w.appliedAt})
        ON CONFLICT (cooperative_id, flat_code) DO UPDATE
          SET kiosk_id = excluded.kiosk_id, seq = excluded.seq, applied_at = excluded.applied_at`;
    }
    const last = events.at(-1);
    await tx`UPDATE kiosks SET head_seq = ${last.seq}, head_hash = ${last.hash}, last_push_at = ${START} WHERE id = ${kiosk}`;
  });
}

/** The sequencer of those hubs (9c35fa5): numbers every committed unnumbered row in arrival order. */
async function sequenceAsBefore() {
  await db()`
    WITH todo AS (
      SELECT kiosk_id, seq, row_number() OVER (ORDER BY arrival) AS n
      FROM register_events WHERE cooperative_id = ${COOP} AND coop_seq IS NULL
    ), bumped AS (
      UPDATE cooperatives SET event_seq = event_seq + (SELECT count(*) FROM todo)
      WHERE id = ${COOP} AND EXISTS (SELECT 1 FROM todo)
      RETURNING event_seq - (SELECT count(*) FROM todo) AS base
    )
    UPDATE register_events r SET coop_seq = bumped.base + todo.n
    FROM todo, bumped WHERE r.kiosk_id = todo.kiosk_id AND r.seq = todo.seq`;
}

/**
 * Stores a kiosk's delivery changes as those hubs did: numbered under the cooperative's lock; from
 * migration 0002 on, a paper change's `letter` as drizzle wrote it under bun-sql (a JSON string).
 */
async function storeDeliveriesAsBefore(kiosk: Kiosk, changes: Json[], withLetters: boolean) {
  await db().begin(async (tx) => {
    const [coop] =
      await tx`UPDATE cooperatives SET delivery_seq = delivery_seq + ${changes.length} WHERE id = ${COOP} RETURNING delivery_seq`;
    let next = Number(coop.delivery_seq) - changes.length + 1;
    for (const c of changes) {
      if (withLetters) {
        await tx`
          INSERT INTO deliveries (cooperative_id, coop_seq, kiosk_id, seq, message_id, correspondence_id, channel,
            status, reason, at, letter)
          VALUES (${COOP}, ${next++}, ${kiosk}, ${c.seq}, ${c.message_id}, ${c.correspondence_id}, ${c.channel},
            ${c.status}, ${c.reason}, ${c.at}, to_jsonb(${c.letter ? JSON.stringify(c.letter) : null}::text))`;
      } else {
        await tx`
          INSERT INTO deliveries (cooperative_id, coop_seq, kiosk_id, seq, message_id, correspondence_id, channel,
            status, reason, at)
          VALUES (${COOP}, ${next++}, ${kiosk}, ${c.seq}, ${c.message_id}, ${c.correspondence_id}, ${c.channel},
            ${c.status}, ${c.reason}, ${c.at})`;
      }
    }
    await tx`UPDATE kiosks SET deliveries_seq = ${changes.at(-1).seq} WHERE id = ${kiosk}`;
  });
}

/** A kiosk's delivery changes after `after`, as its push sends them (paper letters with their details). */
function pushedChanges(gw: TestGateway, after: number): Json[] {
  const changes = listDeliveries(gw.ctx, { after, limit: 1000 }).changes;
  const ids = changes.filter((c) => c.status === "paper" && c.correspondence_id).map((c) => c.correspondence_id!);
  const letters = letterPostDetails(gw.ctx, ids);
  return changes.map((c) => ({
    ...c,
    ...(c.status === "paper" && c.correspondence_id ? { letter: letters.get(c.correspondence_id) } : {}),
  }));
}

/** Enrolments on the kiosk's flats `from`..`to`, and letters to the flats past them (no consent: paper). */
function activity(gw: TestGateway, kiosk: Kiosk, from: number, to: number, tag: string) {
  const flats = flatsOf(gw);
  for (let i = from; i < to; i++) enrolDirect(gw, flats[i].code, flats[i].owner, { email: `${tag}${i}@example.pl` });
  routeCorrespondence(gw.ctx, {
    items: [40 + from, 41 + from].map((n) => ({
      id: `${kiosk}-${tag}-${n}`,
      flat: flats[n].code,
      category: "water_bill",
      generated_at: gw.clock.now().toISOString(),
      subject: `Rachunek ${tag} ${n}`,
      text: "Treść",
    })),
  });
}

beforeAll(async () => {
  pg = await startTestPostgres({ fsync: false });
  url = await createDatabase(pg, "upgrade");
  opened = openHubDb(url, 4);
  clock = new ManualClock(START);
  // The hub's address is known from the start; it answers 503 until the upgraded hub runs.
  hub = serve((request) => (app ? app.fetch(request) : new Response("upgrading", { status: 503 })));
  await migrateTo(2);
  const deps = { db: opened.db, clock };
  await addCooperative(deps, { id: COOP, name: "SM Nasz Dom" });
  const officeKey = await addOfficeKey(deps, { cooperativeId: COOP });
  office = new OfficeClient({ baseUrl: `${hub.url}/office/v1`, key: officeKey, now: () => clock.now().getTime() });
  for (const kiosk of KIOSKS) {
    const key = await provisionKiosk(deps, { cooperativeId: COOP, kioskId: kiosk });
    gateways[kiosk] = await startTestGateway(
      {
        kioskId: kiosk,
        office: {
          url: `${hub.url}/push/v1`,
          keyId: key.keyId,
          secret: key.secret,
          pushBatchSize: 4,
          pushIntervalMs: 20,
          pushBackoffBaseMs: 5,
          pushBackoffMaxMs: 50,
          pushTimeoutMs: 3_000,
        },
      },
      { now: START },
    );
  }
}, 60_000);

afterAll(async () => {
  for (const gw of Object.values(gateways)) await gw?.dispose();
  await hub?.stop();
  await opened?.close();
  await pg?.stop();
  rmSync(temp, { recursive: true, force: true });
});

describe("upgrading a hub database that holds data", () => {
  it("keeps every feed number and paper letter through setup, and the kiosks' next pushes continue both feeds with no gap or double", async () => {
    const A = gateways["KIOSK-A"];
    const B = gateways["KIOSK-B"];
    const pushed = { "KIOSK-A": { events: 0, deliveries: 0 }, "KIOSK-B": { events: 0, deliveries: 0 } };
    /** What a push of everything new at the kiosk stored at the old hub; `sequence`: its sequencer ran. */
    const pushAsBefore = async (kiosk: Kiosk, sequence: boolean, withLetters: boolean) => {
      const gw = gateways[kiosk];
      const events = gw.ctx.register.eventsAfter(pushed[kiosk].events, 1000);
      for (let i = 0; i < events.length; i += 4) await storeEventsAsBefore(kiosk, events.slice(i, i + 4));
      if (sequence) await sequenceAsBefore();
      const changes = pushedChanges(gw, pushed[kiosk].deliveries);
      if (changes.length > 0) await storeDeliveriesAsBefore(kiosk, changes, withLetters);
      pushed[kiosk] = { events: events.at(-1)?.seq ?? pushed[kiosk].events, deliveries: changes.at(-1)?.seq ?? 0 };
    };

    // At migration 0001: both kiosks enrol and route letters; KIOSK-B's flat 0 is applied for at both (B later).
    activity(A, "KIOSK-A", 0, 6, "a");
    clock.advance(60_000);
    for (const gw of [A, B]) gw.clock.set(clock.now());
    activity(B, "KIOSK-B", 0, 5, "b");
    await pushAsBefore("KIOSK-A", true, false);
    await pushAsBefore("KIOSK-B", true, false);
    // At migration 0002: more of both, paper letters with their details; KIOSK-A's last batch unnumbered.
    await migrateTo(3);
    clock.advance(60_000);
    for (const gw of [A, B]) gw.clock.set(clock.now());
    activity(B, "KIOSK-B", 5, 9, "c");
    activity(A, "KIOSK-A", 6, 9, "d");
    await pushAsBefore("KIOSK-B", true, true);
    await pushAsBefore("KIOSK-A", false, true);
    const oldFeed = (await db()`
      SELECT kiosk_id, seq, coop_seq FROM register_events ORDER BY coop_seq NULLS LAST, arrival`) as Json[];
    const oldDeliveries = (await db()`SELECT kiosk_id, seq, coop_seq FROM deliveries ORDER BY coop_seq`) as Json[];
    expect(oldFeed.filter((r) => r.coop_seq === null).length).toBeGreaterThan(0);
    expect(oldDeliveries.length).toBe(8);
    // What the hubs of migrations 0002 and 0003 wrote through drizzle or the driver as JSON strings:
    // the kiosks' key sets, and a conflict decision (an object at 0001; a string from 0003 on).
    for (const kiosk of KIOSKS) {
      for (const key of kioskKeySet(gateways[kiosk].ctx.db).keys) {
        await db()`INSERT INTO kiosk_public_keys (kiosk_id, kid, jwk) VALUES (${kiosk}, ${key.kid}, to_jsonb(${JSON.stringify(key)}::text))`;
      }
    }
    await db()`UPDATE register_events SET conflict = to_jsonb(conflict::text) WHERE conflict IS NOT NULL`;
    // The kiosks acknowledge what the old hub held.
    for (const kiosk of KIOSKS) {
      const gw = gateways[kiosk];
      writeCursor(gw.ctx.db, EVENTS_CURSOR, pushed[kiosk].events, START);
      writeCursor(gw.ctx.db, DELIVERIES_CURSOR, pushed[kiosk].deliveries, START);
    }

    // The upgrade, by the hub's own command, twice (it is idempotent).
    for (const run of [1, 2]) {
      const setup = hubCli(url, ["setup"]);
      expect(setup.status, `setup run ${run}: ${setup.stderr}`).toBe(0);
    }
    for (const [table, column] of [
      ["deliveries", "letter"],
      ["kiosk_public_keys", "jwk"],
      ["register_events", "conflict"],
    ]) {
      const types = (await db().unsafe(
        `SELECT DISTINCT jsonb_typeof(${column}) AS t FROM ${table} WHERE ${column} IS NOT NULL`,
      )) as Json[];
      expect(
        types.map((r) => r.t),
        `${table}.${column}`,
      ).toEqual(["object"]);
    }
    app = createHubApp({
      db: opened.db,
      config: hubConfigSchema.parse({ databaseUrl: "unused: the app gets its db" }),
      logger: createLogger("silent"),
      clock,
    });

    const keys = (await office.json("GET", "kiosk-keys")).keys as Json[];
    expect(keys.map((k) => `${k.kiosk}/${k.kid}/${k.kty}`).sort()).toEqual(
      KIOSKS.flatMap((kiosk) => kioskKeySet(gateways[kiosk].ctx.db).keys.map((k) => `${kiosk}/${k.kid}/OKP`)).sort(),
    );
    // The register feed: the old numbers kept, the unnumbered events after them in arrival order.
    const feed = async () => (await office.json("GET", "register/events?after=0&limit=500")).events as Json[];
    const before = await feed();
    expect(before.map((e) => e.cursor)).toEqual(before.map((_, i) => i + 1));
    expect(before.map((e) => `${e.kiosk}/${e.seq}`)).toEqual(oldFeed.map((r) => `${r.kiosk_id}/${r.seq}`));
    for (const kiosk of KIOSKS) {
      const chain = gateways[kiosk].ctx.register.eventsAfter(0, 1000);
      const served = before.filter((e) => e.kiosk === kiosk);
      expect(served.map((e) => e.hash)).toEqual(chain.map((e) => e.hash));
      expect(served.map((e) => e.payload)).toEqual(chain.map((e) => e.payload));
    }
    const contested = flatsOf(B)[0].code;
    const decision = before.find((e) => e.kiosk === "KIOSK-B" && e.flatCode === contested);
    expect(decision.conflict).toMatchObject({ outcome: "replaced", replaced: { kiosk: "KIOSK-A", seq: 1 } });
    const flat = await office.json("GET", `register/flats/${encodeURIComponent(contested)}`);
    expect(flat).toMatchObject({ kiosk: "KIOSK-B", email: "b0@example.pl" });

    // The deliveries feed and the paper list as before; old letters stored as JSON strings are objects now.
    const deliveries = async () => (await office.json("GET", "deliveries?after=0&limit=500")).changes as Json[];
    const oldChanges = await deliveries();
    expect(oldChanges.map((c) => `${c.cursor}:${c.kiosk}/${c.seq}`)).toEqual(
      oldDeliveries.map((r) => `${r.coop_seq}:${r.kiosk_id}/${r.seq}`),
    );
    const paper = async () => (await office.json("GET", `paper?date=${DAY}`)).items as Json[];
    const ownLists = () =>
      KIOSKS.flatMap((kiosk) => paperList(gateways[kiosk].ctx, { date: DAY }).map((i) => ({ ...i, kiosk })));
    const held = (item: Json) => `${item.kiosk}/${item.correspondence_id}:${item.reason}:${item.address ?? "-"}`;
    // Letters pushed at migration 0001 came without their details (tags a, b); at 0002 with them.
    const at0001 = (item: Json) => / [ab] \d+$/.test(item.subject);
    expect((await paper()).map(held).sort()).toEqual(
      ownLists()
        .map((i) => (at0001(i) ? { ...i, address: null } : i))
        .map(held)
        .sort(),
    );
    expect((await paper()).filter((i) => i.details_held_at_kiosk).length).toBe(ownLists().filter(at0001).length);

    // The kiosks push again: new events and changes continue both feeds, and nothing old comes twice.
    clock.advance(60_000);
    for (const gw of [A, B]) gw.clock.set(clock.now());
    activity(A, "KIOSK-A", 9, 12, "e");
    activity(B, "KIOSK-B", 9, 12, "f");
    enrolDirect(A, contested, flatsOf(A)[0].owner, { email: "a-later@example.pl" });
    for (const kiosk of KIOSKS) {
      const gw = gateways[kiosk];
      const head = gw.ctx.register.eventsAfter(0, 1000).at(-1)!.seq;
      const lastChange = listDeliveries(gw.ctx, { after: 0, limit: 1000 }).changes.at(-1)!.seq;
      await until(
        async () =>
          readCursor(gw.ctx.db, EVENTS_CURSOR) === head && readCursor(gw.ctx.db, DELIVERIES_CURSOR) === lastChange,
        `${kiosk}'s new pushes`,
      );
    }
    const after = await feed();
    expect(after.map((e) => e.cursor)).toEqual(after.map((_, i) => i + 1));
    expect(after.slice(0, before.length)).toEqual(before);
    for (const kiosk of KIOSKS) {
      const chain = gateways[kiosk].ctx.register.eventsAfter(0, 1000);
      expect(after.filter((e) => e.kiosk === kiosk).map((e) => e.hash)).toEqual(chain.map((e) => e.hash));
    }
    const later = after.findLast((e) => e.flatCode === contested);
    expect(later).toMatchObject({ kiosk: "KIOSK-A", cursor: expect.any(Number) });
    expect(later.conflict).toMatchObject({ outcome: "replaced", replaced: { kiosk: "KIOSK-B" } });
    expect(await office.json("GET", `register/flats/${encodeURIComponent(contested)}`)).toMatchObject({
      kiosk: "KIOSK-A",
      email: "a-later@example.pl",
    });
    const changes = await deliveries();
    expect(changes.map((c) => c.cursor)).toEqual(changes.map((_, i) => i + 1));
    expect(changes.slice(0, oldChanges.length)).toEqual(oldChanges);
    for (const kiosk of KIOSKS) {
      const own = listDeliveries(gateways[kiosk].ctx, { after: 0, limit: 1000 }).changes;
      expect(changes.filter((c) => c.kiosk === kiosk).map((c) => c.seq)).toEqual(own.map((c) => c.seq));
    }
    expect((await paper()).length).toBe(ownLists().length);
    const conflicts =
      (await db()`SELECT DISTINCT jsonb_typeof(conflict) AS t FROM register_events WHERE conflict IS NOT NULL`) as Json[];
    expect(conflicts.map((r) => r.t)).toEqual(["object"]);
  }, 90_000);
});
