import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { csvRecords } from "../office/csv.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { PAPER_HEADER, seedOwners } from "../testing/paperRegister.ts";
import { importPaperRegister } from "./importPaperRegister.ts";
import { routeCorrespondence } from "./routeCorrespondence.ts";

let gw: TestGateway;
beforeEach(async () => {
  gw = await startTestGateway({}, { demo: false, now: "2026-11-30T10:00:00Z" });
  seedOwners(gw.ctx, 6);
});
afterEach(() => gw.dispose());

const csv = (...rows: string[]) => csvRecords([PAPER_HEADER, ...rows].join("\n"));
const run = (records: Array<Record<string, string>>, dryRun = false) =>
  importPaperRegister(gw.ctx, { records, dryRun });
const count = () => gw.ctx.register.eventsAfter(0, 100_000).length;

describe("paper register import: the dry run", () => {
  it("reports row by row: invalid email or mobile, unknown flat or owner, duplicates, and writes nothing", () => {
    const report = run(
      csv(
        "B1-1,O1,jan@wp,,email,2021-10-04,P/1,Kasia", // line 2: email without a domain
        "B1-3,O3,,500 12,sms,2021-10-04,P/2,Kasia", // line 3: mobile too short
        "B9-9,O1,jan@wp.pl,,email,2021-10-04,P/3,Kasia", // line 4: unknown flat
        "B1-1,Zieliński,jan@wp.pl,,email,2021-10-04,P/4,Kasia", // line 5: not an owner of the flat
        "B1-4,O4,ewa@gmial.com,,email,2021-10-05,P/5,Kasia", // line 6: typo warning, imported as written
        "B1-4,O4,ewa@gmial.com,,email,2021-10-05,P/5,Kasia", // line 7: the same row again
        "B1-5,O5,ola@wp.pl,,email,2021-10-06,P/6,Kasia", // line 8
        "B1-5,O5,ola@wp.pl,,email,2021-10-06,P/7,Kasia", // line 9: same form under another number
        "B1-6,O6,ola@wp.pl,,fax,2021-10-06,P/8,Kasia", // line 10: unknown channel
      ),
      true,
    );
    const line = (n: number) => report.rows.find((r) => r.line === n);
    expect(line(2)).toMatchObject({ status: "error", messages: ["invalid email: domain"] });
    expect(line(3)).toMatchObject({ status: "error", messages: ["invalid mobile: too_short"] });
    expect(line(4)).toMatchObject({ status: "error", messages: ["unknown flat"] });
    expect(line(5)?.status).toBe("error");
    expect(line(5)?.messages[0]).toMatch(/unknown owner/);
    expect(line(6)).toMatchObject({ status: "ok" });
    expect(line(6)?.messages[0]).toMatch(/gmail\.com/);
    expect(line(7)?.status).toBe("duplicate");
    expect(line(7)?.messages).toContain("duplicate of line 6; skipped");
    expect(line(9)?.status).toBe("duplicate");
    expect(line(10)?.messages).toContain("invalid channels: use email, sms or email+sms");
    expect(report.counts).toEqual({ rows: 9, toImport: 2, errors: 5, duplicates: 2, alreadyImported: 0 });
    expect(report.applied).toBe(false);
    expect(count()).toBe(0);
  });

  it("names the latest co-owner's form as the designated recipient", () => {
    const report = run(
      csv(
        "B1-2,Piotr Nowak,piotr@wp.pl,,email,2022-02-01,P/20,Kasia",
        "B1-2,O2,anna@wp.pl,,email,2021-11-15,P/21,Kasia",
      ),
      true,
    );
    expect(report.coOwners).toEqual([
      { flat: "B1-2", owners: ["O2", "O2b"], winner: { line: 2, reference: "P/20", owner: "O2b" } },
    ]);
    expect(report.rows[0].messages.join()).toMatch(/makes owner O2b the designated recipient/);
    expect(report.rows[1].messages.join()).toMatch(/later form in line 2 \(P\/20\) becomes the designated recipient/);
  });

  it("refuses to write anything while a row has errors, unless told to skip the invalid rows", () => {
    const records = csv(
      "B1-1,O1,jan@wp.pl,,email,2021-10-04,P/1,Kasia",
      "B9-9,O1,jan@wp.pl,,email,2021-10-04,P/3,Kasia",
    );
    expect(run(records)).toMatchObject({ applied: false, imported: 0 });
    expect(count()).toBe(0);
    expect(importPaperRegister(gw.ctx, { records, dryRun: false, skipInvalid: true })).toMatchObject({
      applied: true,
      imported: 1,
    });
  });
});

describe("paper register import: writing", () => {
  it("writes each form as a paper_import event with its original date, in order by date, on the chain", () => {
    const report = run(
      csv(
        "B1-3,O3,,600 100 200,sms,2022-01-10,P/3,Marek",
        "B1-1,O1,jan@wp.pl,,email,2021-10-04,P/1,Kasia",
        "B1-4,O4,ewa@wp.pl,601 100 200,email+sms,04.11.2021,P/2,",
      ),
    );
    expect(report.rows.find((r) => r.line === 4)?.messages).toContain("invalid enteredBy: empty");
    const ok = importPaperRegister(gw.ctx, {
      records: csv(
        "B1-3,O3,,600 100 200,sms,2022-01-10,P/3,Marek",
        "B1-1,O1,jan@wp.pl,,email,2021-10-04,P/1,Kasia",
        "B1-4,O4,ewa@wp.pl,601 100 200,email+sms,04.11.2021,P/2,",
      ),
      dryRun: false,
      enteredBy: "Katarzyna Nowak",
    });
    expect(ok).toMatchObject({ applied: true, imported: 3 });
    const events = gw.ctx.register.eventsAfter(0, 10);
    expect(events.map((e) => [e.flatCode, e.payload])).toEqual([
      [
        "B1-1",
        expect.objectContaining({
          source: "paper_import",
          appliedAt: "2021-10-03T22:00:00.000Z",
          formReference: "P/1",
          enteredBy: "Kasia",
          email: "jan@wp.pl",
          unverified: ["email"],
        }),
      ],
      ["B1-4", expect.objectContaining({ appliedAt: "2021-11-03T23:00:00.000Z", enteredBy: "Katarzyna Nowak" })],
      ["B1-3", expect.objectContaining({ mobile: "+48600100200", unverified: ["sms"] })],
    ]);
    expect(events.every((e) => e.occurredAt === "2026-11-30T10:00:00.000Z")).toBe(true);
    expect(gw.ctx.register.verify()).toMatchObject({ ok: true, events: 3 });
  });

  it("changes nothing when the same file is imported again", () => {
    const records = csv(
      "B1-1,O1,jan@wp.pl,,email,2021-10-04,P/1,Kasia",
      "B1-2,O2,anna@wp.pl,,email,2021-11-15,P/21,Kasia",
    );
    expect(run(records).imported).toBe(2);
    const before = gw.ctx.register.eventsAfter(0, 10);
    gw.clock.advance(86_400_000);
    const again = run(records);
    expect(again).toMatchObject({ applied: true, imported: 0 });
    expect(again.counts).toMatchObject({ toImport: 0, alreadyImported: 2 });
    expect(gw.ctx.register.eventsAfter(0, 10)).toEqual(before);
  });

  it("reports a different form under a number already in the register as an error", () => {
    run(csv("B1-1,O1,jan@wp.pl,,email,2021-10-04,P/1,Kasia"));
    const report = run(csv("B1-1,O1,jan.nowy@wp.pl,,email,2021-10-04,P/1,Kasia"), true);
    expect(report.rows[0]).toMatchObject({ status: "error" });
    expect(report.rows[0].messages[0]).toMatch(/already in the register with other content/);
  });

  it("makes the latest co-owner's form the flat's designated recipient", () => {
    run(
      csv(
        "B1-2,Piotr Nowak,piotr@wp.pl,,email,2022-02-01,P/20,Kasia",
        "B1-2,O2,anna@wp.pl,,email,2021-11-15,P/21,Kasia",
      ),
    );
    const events = gw.ctx.register.flatEvents("B1-2");
    expect(events.map((e) => e.type)).toEqual(["enrolled", "recipient_replaced"]);
    const state = gw.ctx.register.stateOf("B1-2");
    expect(state).toMatchObject({ designatedRecipient: "O2b", email: "piotr@wp.pl" });
    expect(gw.ctx.register.stateOf("B1-2", "2022-01-01T00:00:00Z")).toMatchObject({ designatedRecipient: "O2" });
  });

  it("routes a letter generated in 2022 for a flat that applied on paper in 2021 electronically", () => {
    run(csv("B1-1,O1,jan@wp.pl,,email,2021-10-04,P/1,Kasia"));
    const letter = (id: string, generated_at: string) => ({
      id,
      flat: "B1-1",
      category: "water_bill" as const,
      generated_at,
      subject: "Rozliczenie wody",
      text: "W załączeniu rozliczenie.",
    });
    const answer = routeCorrespondence(gw.ctx, {
      items: [letter("L-2022", "2022-03-01T09:00:00Z"), letter("L-grace", "2021-10-10T09:00:00Z")],
    });
    expect(answer.items[0]).toMatchObject({ status: "accepted", channels: ["email"] });
    expect(answer.items[1]).toMatchObject({ status: "accepted", channels: ["paper"], paper_reason: "grace_period" });
  });
});
