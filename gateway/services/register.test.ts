import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConsentEventBody } from "../domain/registerEvents.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { ConsentRegister } from "./register.ts";

const enrolled: ConsentEventBody = {
  type: "enrolled",
  payload: { email: "jan@wp.pl", channels: ["email"], consentVersion: "v1" },
};

describe("consent register chain", () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway({}, { demo: false });
    gw.ctx.db.transaction((tx) => {
      for (let i = 1; i <= 5; i++) {
        gw.clock.advance(1000);
        gw.ctx.register.append(tx, enrolled, `F${i}`, `O${i}`);
      }
    });
  });
  afterEach(() => gw.dispose());

  const sqlite = () => gw.ctx.database.sqlite;
  const restart = () => gw.ctx.register.verify();

  it("verifies an untouched chain", () => {
    expect(restart()).toMatchObject({ ok: true, events: 5, headSeq: 5 });
  });

  it("detects an edited row at its sequence number", () => {
    sqlite().exec(
      `UPDATE register_events SET payload = '{"channels":["email"],"consentVersion":"v1","email":"evil@wp.pl"}' WHERE seq = 3`,
    );
    expect(restart()).toMatchObject({ ok: false, firstBadSeq: 3, kind: "hash_mismatch" });
  });

  it("detects an edited row even when the attacker recomputed its hash", () => {
    const row = sqlite().query("SELECT * FROM register_events WHERE seq = 2").get() as { occurred_at: string };
    sqlite().exec(`UPDATE register_events SET occurred_at = '2020-01-01T00:00:00.000Z' WHERE seq = 2`);
    expect(row.occurred_at).not.toBe("2020-01-01T00:00:00.000Z");
    expect(restart()).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it("detects a deleted row", () => {
    sqlite().exec("DELETE FROM register_events WHERE seq = 4");
    expect(restart()).toMatchObject({ ok: false, firstBadSeq: 4, kind: "sequence_gap" });
  });

  it("detects the deleted last rows' successors pointing at a missing hash", () => {
    sqlite().exec("DELETE FROM register_events WHERE seq = 1");
    expect(restart()).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it("detects reordered rows", () => {
    sqlite().exec("UPDATE register_events SET seq = 100 WHERE seq = 2");
    sqlite().exec("UPDATE register_events SET seq = 2 WHERE seq = 3");
    sqlite().exec("UPDATE register_events SET seq = 3 WHERE seq = 100");
    expect(restart()).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it("refuses new register writes while broken, reports it in /healthz, and resumes after an acknowledgement", async () => {
    sqlite().exec(`UPDATE register_events SET flat_code = 'F9' WHERE seq = 3`);
    restart();
    expect(() => gw.ctx.db.transaction((tx) => gw.ctx.register.append(tx, enrolled, "F6", "O6"))).toThrow(
      /REGISTER_BROKEN|broken/,
    );
    const health = await gw.json("GET", "/healthz");
    expect(health.status).toBe(503);
    expect(health.body.parts.register).toMatchObject({ status: "down", firstBadSeq: 3 });

    gw.ctx.register.acknowledgeBreak("Jan Serwisant", "row 3 edited by hand during a test; kept for forensics");
    expect(gw.ctx.register.status).toMatchObject({ ok: true, acknowledgedBreaks: 1 });
    const event = gw.ctx.db.transaction((tx) => gw.ctx.register.append(tx, enrolled, "F6", "O6"));
    expect(event.seq).toBe(6);
    expect(restart()).toMatchObject({ ok: true, events: 6 });
    expect((await gw.json("GET", "/healthz")).body.parts.register.status).toBe("ok");
  });

  it("a second tampering after an acknowledgement is detected again", () => {
    sqlite().exec("DELETE FROM register_events WHERE seq = 2");
    restart();
    gw.ctx.register.acknowledgeBreak("op", "gap at 2");
    gw.ctx.db.transaction((tx) => gw.ctx.register.append(tx, enrolled, "F7", "O7"));
    sqlite().exec(`UPDATE register_events SET owner_id = 'X' WHERE seq = 6`);
    expect(restart()).toMatchObject({ ok: false, firstBadSeq: 6 });
  });

  it("derives state as of a date", () => {
    gw.clock.advance(86_400_000);
    gw.ctx.db.transaction((tx) =>
      gw.ctx.register.append(tx, { type: "withdrawn", payload: { channels: "all", via: "kiosk" } }, "F1", "O1"),
    );
    const before = gw.ctx.register.stateOf("F1", "2026-03-02T10:00:10Z");
    expect(before).toMatchObject({ status: "active", email: "jan@wp.pl", designatedRecipient: "O1" });
    expect(before.channels.email.paperUntil).toBe("2026-03-16T10:00:01.000Z");
    expect(gw.ctx.register.stateOf("F1")).toMatchObject({ status: "withdrawn", email: null });
    expect(gw.ctx.register.allStates().size).toBe(5);
  });

  it("keeps every flat's current state equal to a derivation from scratch across a rollback, another writer and a late paper form", () => {
    const register = gw.ctx.register;
    const fromScratch = () => {
      const fresh = new ConsentRegister({
        db: gw.ctx.db,
        clock: gw.clock,
        config: gw.ctx.config,
        logger: gw.ctx.logger,
      });
      return [...fresh.allStates()].sort();
    };
    const current = () => [...register.allStates()].sort();
    const withdraw: ConsentEventBody = { type: "withdrawn", payload: { channels: "all", via: "kiosk" } };
    expect(current()).toEqual(fromScratch());

    // Appended, seen by a read inside the transaction, then rolled back.
    expect(() =>
      gw.ctx.db.transaction((tx) => {
        gw.clock.advance(1000);
        register.append(tx, withdraw, "F2", "O2");
        expect(register.allStates().get("F2")?.status).toBe("withdrawn");
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    expect(register.allStates().get("F2")?.status).toBe("active");
    expect(current()).toEqual(fromScratch());

    // The same sequence number taken again by a different event.
    gw.ctx.db.transaction((tx) => register.append(tx, withdraw, "F3", "O3"));
    expect(register.allStates().get("F3")?.status).toBe("withdrawn");
    expect(current()).toEqual(fromScratch());

    // Another writer on the same database (the register CLI, a second process).
    const other = new ConsentRegister({ db: gw.ctx.db, clock: gw.clock, config: gw.ctx.config, logger: gw.ctx.logger });
    gw.clock.advance(1000);
    gw.ctx.db.transaction((tx) => other.append(tx, withdraw, "F4", "O4"));
    gw.ctx.db.transaction((tx) => register.append(tx, enrolled, "F6", "O6"));
    expect(register.allStates().get("F4")?.status).toBe("withdrawn");
    expect(current()).toEqual(fromScratch());

    // Rolled back without a read in between, and that sequence number then taken by the other writer.
    expect(() =>
      gw.ctx.db.transaction((tx) => {
        register.append(tx, withdraw, "F1", "O1");
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    gw.ctx.db.transaction((tx) => other.append(tx, enrolled, "F7", "O7"));
    expect(register.allStates().get("F1")?.status).toBe("active");
    expect(current()).toEqual(fromScratch());

    // A paper form typed in late takes effect before events already folded: it sorts back to its date.
    // F3 withdrew at the kiosk; a paper enrolment signed before that must not bring it back.
    const lateForm: ConsentEventBody = {
      type: "enrolled",
      payload: {
        email: "jan@wp.pl",
        channels: ["email"],
        consentVersion: "v1",
        source: "paper_form",
        appliedAt: "2026-03-01T00:00:00.000Z",
      },
    };
    gw.ctx.db.transaction((tx) => register.append(tx, lateForm, "F3", "O3"));
    expect(register.allStates().get("F3")?.status).toBe("withdrawn");
    expect(current()).toEqual(fromScratch());
  });

  it("leaves the states it handed out unchanged when it folds later events", () => {
    const register = gw.ctx.register;
    const handedOut = register.allStates();
    const asHandedOut = structuredClone(handedOut);
    gw.ctx.db.transaction((tx) => {
      for (const flat of ["F1", "F2", "F3"]) {
        gw.clock.advance(1000);
        register.append(tx, { type: "withdrawn", payload: { channels: ["email"], via: "kiosk" } }, flat, null);
        gw.clock.advance(1000);
        register.append(tx, { ...enrolled, payload: { ...enrolled.payload, email: "nowy@wp.pl" } }, flat, "P1");
      }
    });
    const now = register.allStates();
    expect(now.get("F2")).toMatchObject({ email: "nowy@wp.pl", designatedRecipient: "P1" });
    expect(handedOut).toEqual(asHandedOut);
  });
});
