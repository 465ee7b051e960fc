/**
 * The hub's paper list against its kiosks' own paper lists: two real gateways route letters of
 * every kind (no consent, grace period, payment demand, withdrawn, rejected, failing contact,
 * before the electronic start, an email that failed, one that expired, the notice of an office
 * rejection by letter, and one whose email bounced) and push to a hub app on a real PostgreSQL. For each day the hub lists exactly the union
 * of the kiosks' lists, a re-push doubles nothing, and a kiosk with `office.pushLetterDetails` off
 * sends no names or addresses: the hub says they are held at the kiosk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../gateway/clock.ts";
import { createLogger } from "../gateway/logger.ts";
import { OfficeClient } from "../gateway/office/client.ts";
import { parseCsv } from "../gateway/office/csv.ts";
import { readCursor, writeCursor } from "../gateway/office/officeCopy.ts";
import { DELIVERIES_CURSOR } from "../gateway/office/push.ts";
import { type PaperItem, paperCsv, paperList } from "../gateway/services/paperList.ts";
import { recordDelivery } from "../gateway/services/recordDelivery.ts";
import { rejectEnrolment } from "../gateway/services/rejectEnrolment.ts";
import { routeCorrespondence } from "../gateway/services/routeCorrespondence.ts";
import { startTestGateway, type TestGateway } from "../gateway/testing/harness.ts";
import { enrolDirect, type Served, serve } from "../gateway/testing/office.ts";
import { createHubApp } from "./app.ts";
import { hubConfigSchema } from "./config.ts";
import { migrateHubDb, type OpenedHubDb, openHubDb } from "./db/client.ts";
import { addCooperative, addOfficeKey, provisionKiosk } from "./services/provision.ts";
import { createDatabase, startTestPostgres, type TestPostgres } from "./testing/postgres.ts";

// biome-ignore lint/suspicious/noExplicitAny: the hub's answers are read as plain JSON
type Json = any;

const DAY1 = "2026-03-02";
const DAY2 = "2026-03-03";
const START = `${DAY1}T09:00:00Z`;
const EARLIER = "2026-02-10T09:00:00Z"; // enrolments past their 14 days of paper by DAY1

let pg: TestPostgres;
let opened: OpenedHubDb;
let hubClock: ManualClock;
let hub: Served;
let office: OfficeClient;
const kiosks: Record<"KIOSK-A" | "KIOSK-B", TestGateway> = {} as never;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function setClocks(at: string) {
  hubClock.set(at);
  for (const gw of Object.values(kiosks)) gw.clock.set(at);
}

function sql<T>(gw: TestGateway, text: string, ...params: Array<string | number>): T[] {
  return gw.ctx.database.sqlite.query(text).all(...params) as T[];
}

function flats(gw: TestGateway): string[] {
  return sql<{ code: string }>(gw, "SELECT code FROM flats ORDER BY code").map((f) => f.code);
}

function ownerOf(gw: TestGateway, flat: string): string {
  return sql<{ id: string }>(gw, "SELECT owner_id AS id FROM ownership_shares WHERE flat_code = ? LIMIT 1", flat)[0].id;
}

function letter(id: string, flat: string, category = "water_bill", generatedAt = START) {
  return { id, flat, category, generated_at: generatedAt, subject: `Pismo ${id}`, text: "Treść pisma." };
}

/** The only email queued for a letter (routed to email because the flat consented). */
function emailOf(gw: TestGateway, correspondenceId: string): string {
  return sql<{ id: string }>(
    gw,
    "SELECT id FROM outbox WHERE correspondence_id = ? AND channel = 'email'",
    correspondenceId,
  )[0].id;
}

/** Letters of every kind at one kiosk, on DAY1 (and a few on DAY2), with the ids prefixed by `p`. */
function lettersOfEveryKind(gw: TestGateway, p: string) {
  const codes = flats(gw);
  const [
    none,
    grace,
    failedFlat,
    failingFlat,
    expiredFlat,
    withdrawnFlat,
    rejectedFlat,
    sentFlat,
    dayTwo,
    bouncedFlat,
  ] = codes;
  expect(bouncedFlat).toBeDefined();
  gw.clock.set(EARLIER);
  for (const flat of [failedFlat, failingFlat, expiredFlat, withdrawnFlat, sentFlat]) {
    // failedFlat and failingFlat share one address: when it fails, both flats' email is failing.
    const shared = flat === failedFlat || flat === failingFlat;
    enrolDirect(gw, flat, ownerOf(gw, flat), { email: shared ? `${p}-shared@example.pl` : `${p}-${flat}@example.pl` });
  }
  gw.clock.set(START);
  enrolDirect(gw, grace, ownerOf(gw, grace), { email: `${p}-grace@example.pl` });
  const rejected = enrolDirect(gw, rejectedFlat, ownerOf(gw, rejectedFlat), { mobile: "+48600100200" });
  // No email: the office's reason goes by letter (the resident used English at the kiosk).
  const byLetter = rejectEnrolment(gw.ctx, { flat: rejectedFlat, seq: rejected.seq, reason: "Brak tytułu prawnego" });
  // With an email, which bounces below: the reason falls back to a letter.
  const enrolledByEmail = enrolDirect(gw, bouncedFlat, ownerOf(gw, bouncedFlat), {
    email: `${p}-rejected@example.pl`,
    language: "uk",
  });
  const byEmail = rejectEnrolment(gw.ctx, {
    flat: bouncedFlat,
    seq: enrolledByEmail.seq,
    reason: "Wnioskodawca nie jest członkiem spółdzielni",
  });
  gw.ctx.db.transaction((tx) =>
    gw.ctx.register.append(
      tx,
      { type: "withdrawn", payload: { channels: "all", via: "kiosk" } },
      withdrawnFlat,
      ownerOf(gw, withdrawnFlat),
    ),
  );
  routeCorrespondence(gw.ctx, {
    items: [
      letter(`${p}-none`, none),
      letter(`${p}-grace`, grace),
      letter(`${p}-demand`, sentFlat, "payment_demand"),
      letter(`${p}-failed`, failedFlat),
      letter(`${p}-expired`, expiredFlat),
      letter(`${p}-withdrawn`, withdrawnFlat),
      letter(`${p}-rejected`, rejectedFlat),
      letter(`${p}-sent`, sentFlat),
      letter(`${p}-old`, none, "fee_change", "2021-06-01T08:00:00Z"),
    ],
  });
  // The email bounces for good: the letter falls back to paper and the address is failing.
  gw.clock.set(`${DAY1}T10:00:00Z`);
  recordDelivery(gw.ctx, {
    messageId: emailOf(gw, `${p}-failed`),
    status: "failed",
    reason: "550 5.1.1 no such user",
    contactFailing: true,
  });
  recordDelivery(gw.ctx, {
    messageId: `rejected-${byEmail.event.seq}-email`,
    status: "failed",
    reason: "550 5.1.1 no such user",
  });
  // Not sent in time: the worker moves it to paper.
  recordDelivery(gw.ctx, {
    messageId: emailOf(gw, `${p}-expired`),
    status: "paper",
    reason: "expired after 3 attempt(s): connection refused",
  });
  // The same address, now failing: the next letter goes on paper at once.
  routeCorrespondence(gw.ctx, { items: [letter(`${p}-failing`, failingFlat)] });
  // The next day: one letter routed, and a letter of the day before that fails only now.
  gw.clock.set(`${DAY2}T08:30:00Z`);
  routeCorrespondence(gw.ctx, { items: [letter(`${p}-day2`, dayTwo)] });
  recordDelivery(gw.ctx, {
    messageId: emailOf(gw, `${p}-sent`),
    status: "failed",
    reason: "552 mailbox full",
  });
  return { byLetter: `rejected-${byLetter.event.seq}`, byEmail: `rejected-${byEmail.event.seq}` };
}

/** Until the hub holds every delivery change the kiosk has (its outbox workers may still add some). */
async function hubHolds(gw: TestGateway, kiosk: string) {
  await until(async () => {
    const last = sql<{ seq: number }>(gw, "SELECT max(seq) AS seq FROM deliveries")[0].seq;
    const { kiosks: held } = await office.json("GET", "kiosks");
    return (held as Json[]).find((k) => k.kiosk === kiosk)?.deliveries_seq === last;
  }, `${kiosk}'s delivery changes at the hub`);
}

/**
 * The kiosk's own list as the hub should show it: plus the kiosk; names, addresses and a rejection
 * notice's reason and text only when pushed.
 */
function asAtHub(items: PaperItem[], kiosk: string, withDetails: boolean) {
  return items.map(({ rejection_reason, letter_text, ...item }) => ({
    ...item,
    kiosk,
    ...(withDetails
      ? {
          details_held_at_kiosk: false,
          ...(rejection_reason === undefined ? {} : { rejection_reason }),
          ...(letter_text === undefined ? {} : { letter_text }),
        }
      : { address: null, owners: [], details_held_at_kiosk: true }),
  }));
}

const REJECTION_SUBJECT = /^Zgłoszenie do e-Korespondencji nie zostało przyjęte – lokal /;

function byPostingOrder(a: Json, b: Json) {
  return (
    (a.address ?? "\uffff").localeCompare(b.address ?? "\uffff", "pl") ||
    a.correspondence_id.localeCompare(b.correspondence_id) ||
    (a.category ?? "").localeCompare(b.category ?? "")
  );
}

beforeAll(async () => {
  pg = await startTestPostgres({ fsync: false });
  opened = openHubDb(await createDatabase(pg, "paper"), 4);
  await migrateHubDb(opened.db);
  hubClock = new ManualClock(START);
  const deps = { db: opened.db, clock: hubClock };
  await addCooperative(deps, { id: "nasz-dom", name: "SM Nasz Dom" });
  const officeKey = await addOfficeKey(deps, { cooperativeId: "nasz-dom" });
  const config = hubConfigSchema.parse({ databaseUrl: "unused: the app gets its db" });
  hub = serve(createHubApp({ db: opened.db, config, logger: createLogger("silent"), clock: hubClock }).fetch);
  office = new OfficeClient({
    baseUrl: `${hub.url}/office/v1`,
    key: officeKey,
    now: () => hubClock.now().getTime(),
    retries: 0,
  });
  for (const [kiosk, pushLetterDetails] of [
    ["KIOSK-A", true],
    ["KIOSK-B", false],
  ] as const) {
    const key = await provisionKiosk(deps, { cooperativeId: "nasz-dom", kioskId: kiosk });
    kiosks[kiosk] = await startTestGateway(
      {
        kioskId: kiosk,
        office: {
          url: `${hub.url}/push/v1`,
          keyId: key.keyId,
          secret: key.secret,
          pushBatchSize: 7,
          pushIntervalMs: 20,
          pushBackoffBaseMs: 5,
          pushBackoffMaxMs: 100,
          pushTimeoutMs: 3_000,
          ...(kiosk === "KIOSK-B" ? { pushLetterDetails } : {}),
        },
      },
      { now: START },
    );
  }
}, 60_000);

afterAll(async () => {
  for (const gw of Object.values(kiosks)) await gw?.dispose();
  await hub?.stop();
  await opened?.close();
  await pg?.stop();
});

describe("the hub's paper list", () => {
  it("is, for each day, the union of its kiosks' own paper lists, letter for letter and column for column, and a re-push doubles nothing", async () => {
    const A = kiosks["KIOSK-A"];
    const B = kiosks["KIOSK-B"];
    const notices = lettersOfEveryKind(A, "A");
    lettersOfEveryKind(B, "B");
    setClocks(`${DAY2}T09:00:00Z`);
    await hubHolds(A, "KIOSK-A");
    await hubHolds(B, "KIOSK-B");

    const own = (gw: TestGateway, date: string) => paperList(gw.ctx, { date });
    // Every kind is there: routed for each reason, and fallen back after a failure.
    const reasons = own(A, DAY1).map((i) => `${i.correspondence_id}:${i.source}:${i.reason}`);
    expect(reasons.sort()).toEqual(
      [
        "A-demand:routed:payment_demand_on_paper",
        "A-expired:fallback:expired after 3 attempt(s): connection refused",
        "A-failed:fallback:email_failed: 550 5.1.1 no such user",
        "A-failing:routed:contact_failing",
        "A-grace:routed:grace_period",
        "A-none:routed:no_consent",
        "A-old:routed:before_electronic_start",
        "A-rejected:routed:rejected_by_office",
        "A-withdrawn:routed:withdrawn",
        `${notices.byLetter}:routed:rejection_reason_by_letter`,
        `${notices.byEmail}:fallback:email_failed: 550 5.1.1 no such user`,
      ].sort(),
    );
    // The rejection notices: once each, with the office's words for the clerk.
    const rejections = own(A, DAY1).filter((i) => i.category === "rejection_notice");
    expect(rejections.map((i) => i.rejection_reason).sort()).toEqual(
      ["Brak tytułu prawnego", "Wnioskodawca nie jest członkiem spółdzielni"].sort(),
    );
    for (const item of rejections) expect(item.subject).toMatch(REJECTION_SUBJECT);
    expect(
      own(A, DAY2)
        .map((i) => `${i.correspondence_id}:${i.source}`)
        .sort(),
    ).toEqual(["A-day2:routed", "A-sent:fallback"].sort());

    const check = async () => {
      for (const date of [DAY1, DAY2]) {
        const expected = [...asAtHub(own(A, date), "KIOSK-A", true), ...asAtHub(own(B, date), "KIOSK-B", false)].sort(
          byPostingOrder,
        );
        const list = await office.json("GET", `paper?date=${date}`);
        expect(list.items).toEqual(expected);
        expect(list.count).toBe(expected.length);
        // The CSV: the kiosk's own CSV columns and cells, then the kiosk; withheld details stay empty.
        const res = await office.raw("GET", `paper?date=${date}`, undefined, { accept: "text/csv" });
        const [header, ...rows] = parseCsv(res.text);
        const [ownHeader, ...ownRows] = parseCsv(paperCsv(own(A, date)));
        expect(header).toEqual([...ownHeader, "kiosk"]);
        expect(rows.filter((r) => r.at(-1) === "KIOSK-A").map((r) => r.slice(0, -1))).toEqual(ownRows);
        const bRows = rows.filter((r) => r.at(-1) === "KIOSK-B");
        expect(bRows.map((r) => r[0])).toEqual(
          expected.filter((i) => i.kiosk === "KIOSK-B").map((i) => i.correspondence_id),
        );
        for (const row of bRows) {
          expect(row[header.indexOf("address")]).toBe("");
          expect(row[header.indexOf("owners")]).toBe("");
          const notice = row[header.indexOf("category")] === "rejection_notice";
          expect(row[header.indexOf("subject")]).toMatch(notice ? REJECTION_SUBJECT : /^Pismo B-/);
        }
      }
    };
    await check();

    // Every stream again from the start: the hub recognises every change and lists nothing twice.
    // (The kiosks' outbox workers may still add a change meanwhile: the hub then holds it once too.)
    const lastSeq = (gw: TestGateway) => sql<{ seq: number }>(gw, "SELECT max(seq) AS seq FROM deliveries")[0].seq;
    for (const [kiosk, gw] of Object.entries(kiosks)) {
      writeCursor(gw.ctx.db, DELIVERIES_CURSOR, 0, gw.clock.now().toISOString());
      await until(async () => readCursor(gw.ctx.db, DELIVERIES_CURSOR) === lastSeq(gw), `${kiosk}'s re-push`).catch(
        async (e) => {
          const parts = (await gw.ctx.health.report()).parts;
          throw new Error(
            `${e.message}: cursor ${readCursor(gw.ctx.db, DELIVERIES_CURSOR)} of ${lastSeq(gw)}, ${JSON.stringify(parts)}`,
          );
        },
      );
    }
    await hubHolds(A, "KIOSK-A");
    await hubHolds(B, "KIOSK-B");
    expect((await office.json("GET", "deliveries?limit=1000")).changes.length).toBe(lastSeq(A) + lastSeq(B));
    await check();
  }, 60_000);

  it("holds no name or address of a kiosk whose office.pushLetterDetails is off, and says they are at the kiosk", async () => {
    const B = kiosks["KIOSK-B"];
    const own = [...paperList(B.ctx, { date: DAY1 }), ...paperList(B.ctx, { date: DAY2 })];
    expect(own.length).toBeGreaterThan(5);
    const stored = await opened.db.$client`
      SELECT kiosk_id, letter::text AS letter, jsonb_typeof(letter) AS type FROM deliveries WHERE letter IS NOT NULL`;
    // Stored as JSON objects, so the office's own reports can query them (letter->>'flat').
    expect(new Set(stored.map((r: Json) => r.type))).toEqual(new Set(["object"]));
    const fromB = (stored as Array<{ kiosk_id: string; letter: string }>).filter((r) => r.kiosk_id === "KIOSK-B");
    expect(fromB.length).toBe(own.length);
    const everything = JSON.stringify(stored.filter((r: Json) => r.kiosk_id === "KIOSK-B"));
    for (const item of own) {
      expect(everything).not.toContain(item.address);
      for (const name of item.owners) expect(everything).not.toContain(name);
      // A rejection notice's reason and text stay at the kiosk too; its heading goes.
      if (item.rejection_reason) expect(everything).not.toContain(item.rejection_reason);
    }
    expect(own.filter((i) => i.rejection_reason).length).toBe(2);
    // KIOSK-A sends them (the default), for the same flats of the demo data.
    const fromA = (stored as Array<{ kiosk_id: string; letter: string }>).filter((r) => r.kiosk_id === "KIOSK-A");
    expect(fromA.every((r) => JSON.parse(r.letter).address && JSON.parse(r.letter).owners.length > 0)).toBe(true);
    const list = await office.json("GET", `paper?date=${DAY1}`);
    for (const item of list.items as Json[]) {
      expect(item.details_held_at_kiosk).toBe(item.kiosk === "KIOSK-B");
      expect(item.flat).toMatch(/\S/);
      expect(item.subject).toMatch(item.category === "rejection_notice" ? REJECTION_SUBJECT : /^Pismo /);
      // The office's words for the clerk: only as the kiosk that sends names and addresses sent them.
      expect(item.rejection_reason !== undefined).toBe(
        item.category === "rejection_notice" && item.kiosk === "KIOSK-A",
      );
    }
  });
});
