/**
 * What a hub process remembers about which flats a kiosk holds must never decide a flat that has
 * changed hands meanwhile, through this process or another one on the same database. Two
 * HeldFlats here are two hub processes; applyEvents runs on a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../gateway/clock.ts";
import { GENESIS_HASH, seal } from "../gateway/domain/registerEvents.ts";
import type { EventsPushBody } from "../gateway/office/pushContract.ts";
import { migrateHubDb, type OpenedHubDb, openHubDb } from "./db/client.ts";
import { applyEvents } from "./services/applyEvents.ts";
import { HeldFlats } from "./services/flatHolders.ts";
import { addCooperative, provisionKiosk } from "./services/provision.ts";
import { createDatabase, startTestPostgres, type TestPostgres } from "./testing/postgres.ts";

type Pushed = EventsPushBody["events"][number];

let pg: TestPostgres;
let opened: OpenedHubDb;
const clock = new ManualClock(new Date("2026-03-02T08:00:00Z"));

/** A kiosk's chain, one application per call, each applied at the given minute. */
function kioskChain() {
  const events: Pushed[] = [];
  return (flatCode: string, minute: number): Pushed => {
    const prev = events.at(-1);
    const event = seal({
      seq: events.length + 1,
      type: "enrolled",
      flatCode,
      ownerId: `O-${flatCode}`,
      payload: { email: "mieszkaniec@example.pl", channels: ["email"] },
      occurredAt: new Date(Date.UTC(2026, 2, 2, 8, minute)).toISOString(),
      prevHash: prev?.hash ?? GENESIS_HASH,
    } as never) as unknown as Pushed;
    events.push(event);
    return event;
  };
}

async function holderOf(flat: string): Promise<string> {
  const [row] = await opened.db.$client`SELECT kiosk_id FROM flat_winners WHERE flat_code = ${flat}`;
  return row.kiosk_id;
}

async function conflictOf(kiosk: string, seq: number): Promise<unknown> {
  const [row] = await opened.db
    .$client`SELECT conflict FROM register_events WHERE kiosk_id = ${kiosk} AND seq = ${seq}`;
  // Stored as a JSON object (a JSON string in jsonb would come back as a string and not match).
  return row.conflict;
}

beforeAll(async () => {
  pg = await startTestPostgres({ fsync: false });
  opened = openHubDb(await createDatabase(pg, "held"), 4);
  await migrateHubDb(opened.db);
  await addCooperative({ db: opened.db }, { id: "nasz-dom", name: "SM Nasz Dom" });
  for (const kiosk of ["A", "B"])
    await provisionKiosk({ db: opened.db }, { cooperativeId: "nasz-dom", kioskId: kiosk });
}, 60_000);

afterAll(async () => {
  await opened?.close();
  await pg?.stop();
});

describe("the flats a hub process remembers a kiosk holds", () => {
  it("are looked up again once another process moved one of them to another kiosk", async () => {
    const first = { db: opened.db, clock, heldFlats: new HeldFlats(), sequencing: new Set<string>() };
    const second = { db: opened.db, clock, heldFlats: new HeldFlats(), sequencing: new Set<string>() };
    const a = kioskChain();
    const b = kioskChain();
    const push = (deps: typeof first, kioskId: string, events: Pushed[]) =>
      applyEvents(deps, { kioskId, cooperativeId: "nasz-dom", events });

    // The first process sees kiosk A take flats 1 and 2, and remembers it.
    await push(first, "A", [a("M-1", 0), a("M-2", 0)]);
    expect(first.heldFlats.of("A")?.flats).toEqual(new Set(["M-1", "M-2"]));
    // Kiosk B's later application for flat 1 arrives through the second process.
    await push(second, "B", [b("M-1", 10)]);
    expect(await holderOf("M-1")).toBe("B");
    expect(await conflictOf("B", 1)).toMatchObject({ outcome: "replaced", replaced: { kiosk: "A" } });
    // A's even later application for flat 1 through the first process must win it back,
    // and an earlier one must not, though the first process remembers A holding flat 1.
    const answer = await push(first, "A", [a("M-1", 20), a("M-2", 20)]);
    expect(answer.applied).toBe(2);
    expect(await holderOf("M-1")).toBe("A");
    expect(await conflictOf("A", 3)).toMatchObject({ outcome: "replaced", replaced: { kiosk: "B", seq: 1 } });
    expect(await conflictOf("A", 4)).toBeNull();
    await push(second, "B", [b("M-1", 15)]);
    expect(await holderOf("M-1")).toBe("A");
    expect(await conflictOf("B", 2)).toMatchObject({ outcome: "superseded", by: { kiosk: "A", seq: 3 } });
  });

  it("are looked up again when this process itself moved one of them away", async () => {
    const deps = { db: opened.db, clock, heldFlats: new HeldFlats(), sequencing: new Set<string>() };
    const c = kioskChain();
    await provisionKiosk({ db: opened.db }, { cooperativeId: "nasz-dom", kioskId: "C" });
    await provisionKiosk({ db: opened.db }, { cooperativeId: "nasz-dom", kioskId: "D" });
    const d = kioskChain();
    await applyEvents(deps, { kioskId: "C", cooperativeId: "nasz-dom", events: [c("N-1", 0)] });
    await applyEvents(deps, { kioskId: "D", cooperativeId: "nasz-dom", events: [d("N-1", 5)] });
    await applyEvents(deps, { kioskId: "C", cooperativeId: "nasz-dom", events: [c("N-1", 3)] });
    expect(await holderOf("N-1")).toBe("D");
    expect(await conflictOf("C", 2)).toMatchObject({ outcome: "superseded", by: { kiosk: "D" } });
  });

  it("forgets everything past its limit and still decides from the database", async () => {
    const held = new HeldFlats(3);
    held.remember("A", "t1", ["1", "2"]);
    held.remember("B", "t1", ["3"]);
    expect(held.of("B")?.flats.size).toBe(1);
    held.remember("B", "t1", ["4"]);
    expect(held.of("A")).toBeUndefined();
    held.remember("A", "t2", ["5"]);
    held.remember("A", "t3", ["6"]);
    expect(held.of("A")).toEqual({ token: "t3", flats: new Set(["6"]) });
  });
});
