import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenedDb, openDb } from "../../db/client.ts";
import { addOfficeKey } from "../services/addOfficeKey.ts";
import { recordDelivery } from "../services/recordDelivery.ts";
import type { ItemAnswer } from "../services/routeCorrespondence.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { countRows, enrolDirect, type Served, serve } from "../testing/office.ts";
import { OfficeApiError, OfficeClient } from "./client.ts";
import {
  itemsFromFolder,
  ownersFromCsv,
  paperCsv,
  paperList,
  pullDeliveries,
  pullEvents,
  pushOwners,
  sendCorrespondence,
} from "./commands.ts";
import { copyEvents } from "./officeCopy.ts";

const OWNERS_CSV = [
  "building_id,building_address,city,flat_code,staircase,number,verification_code,owner_id,first_name,surname,role",
  "KEL10,ul. Kelecka 10,Radom,KEL10-A-1,A,1,123456,O1,Jan,Kowalski,owner",
  'KEL10,ul. Kelecka 10,Radom,KEL10-A-2,A,2,223456,O2,Anna,"Nowak, z d. Wiśniewska",co_owner',
  "KEL10,ul. Kelecka 10,Radom,KEL10-A-2,A,2,223456,O3,Piotr,Nowak,co_owner",
  "KEL10,ul. Kelecka 10,Radom,KEL10-A-3,A,3,323456,O4,Ewa,Zielińska,owner",
  "KEL10,ul. Kelecka 10,Radom,bad code!,A,4,423456,O5,Zła,Linia,owner",
].join("\n");

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

let gw: TestGateway;
let server: Served;
let client: OfficeClient;
let work: string;
let copy: OpenedDb;
const answers = new Map<string, ItemAnswer>();
let enrolmentA2 = 0;

function letter(id: string, flat: string, category: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    flat,
    category,
    generated_at: "2026-03-02T08:00:00Z",
    subject: `Pismo ${id}`,
    text: `Treść pisma ${id} – zażółć gęślą jaźń.`,
    ...extra,
  };
}

beforeAll(async () => {
  gw = await startTestGateway({ office: { maxAttachmentBytes: 2048 } }, { demo: false });
  const key = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-main" });
  server = serve(gw.officeApp.fetch);
  client = new OfficeClient({
    baseUrl: `${server.url}/office/v1`,
    key,
    now: () => gw.clock.now().getTime(),
    retryBaseMs: 10,
  });
  work = mkdtempSync(join(tmpdir(), "ekor-office-"));
  copy = openDb(join(work, "copy.sqlite"));
});

afterAll(async () => {
  copy.close();
  await server.stop();
  await gw.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe("office API through the reference client", () => {
  it("loads the owners register from CSV and reports the rejected row", async () => {
    const result = await pushOwners(client, ownersFromCsv(OWNERS_CSV));
    expect(result.accepted).toMatchObject({ buildings: 1, flats: 3, owners: 5, shares: 4 });
    expect(result.rejected).toEqual([
      expect.objectContaining({ section: "flats", reason: expect.stringContaining("code") }),
      expect.objectContaining({ section: "shares", reason: expect.stringContaining("unknown flat") }),
    ]);
    const again = await pushOwners(client, ownersFromCsv(OWNERS_CSV));
    expect(again.deactivated).toEqual({ owners: 0, shares: 0 });
  });

  it("routes a folder of letters with a reason per channel and queues email and SMS", async () => {
    enrolDirect(
      gw,
      "KEL10-A-1",
      "O1",
      { email: "jan.kowalski@example.pl", mobile: "+48600100200" },
      "2026-01-05T09:00:00Z",
    );
    enrolmentA2 = enrolDirect(gw, "KEL10-A-2", "O2", { email: "anna.nowak@example.pl" }, "2026-02-28T09:00:00Z").seq;
    const folder = join(work, "letters");
    mkdirSync(folder);
    const items = [
      letter("L1", "KEL10-A-1", "water_bill"),
      letter("L2", "KEL10-A-1", "payment_reminder", { sms_text: "Przypomnienie o płatności" }),
      letter("L3", "KEL10-A-1", "payment_demand"),
      letter("L4", "KEL10-A-2", "water_bill"),
      letter("L5", "KEL10-A-3", "fee_change"),
      letter("L6", "NOPE-1", "water_bill"),
      letter("L7", "KEL10-A-1", "outage"),
      letter("L9", "KEL10-A-1", "water_bill", { generated_at: "2021-08-31" }),
    ];
    for (const item of items) writeFileSync(join(folder, `${item.id}.json`), JSON.stringify(item));
    writeFileSync(join(folder, "L1.pdf"), PDF);
    writeFileSync(
      join(folder, "L8.json"),
      JSON.stringify(letter("L8", "KEL10-A-1", "other_letter", { attachments: ["note.txt"] })),
    );
    writeFileSync(join(folder, "note.txt"), "not a pdf");
    writeFileSync(join(folder, "L11.json"), JSON.stringify(letter("L11", "KEL10-A-1", "other_letter")));
    writeFileSync(join(folder, "L11.pdf"), Buffer.concat([PDF, Buffer.alloc(3000, 32)]));

    const summary = await sendCorrespondence(client, itemsFromFolder(folder), { batchSize: 4 });
    for (const a of summary.answers) answers.set(a.id, a);
    const pick = (id: string) => answers.get(id) as Extract<ItemAnswer, { status: "accepted" }>;
    expect(pick("L1")).toMatchObject({ status: "accepted", channels: ["email"], paper: false });
    expect(pick("L1").messages).toEqual([{ channel: "email", message_id: "corr:L1:email" }]);
    expect(pick("L2").channels).toEqual(["email", "sms"]);
    expect(pick("L3")).toMatchObject({ channels: ["paper"], paper_reason: "payment_demand_on_paper" });
    expect(pick("L4")).toMatchObject({ channels: ["paper"], paper_reason: "grace_period" });
    expect(pick("L5")).toMatchObject({ channels: ["paper"], paper_reason: "no_consent" });
    expect(answers.get("L6")).toMatchObject({ status: "rejected", error: { code: "unknown_flat" } });
    expect(pick("L7").channels).toEqual(["sms"]);
    expect(answers.get("L8")).toMatchObject({ status: "rejected", error: { code: "attachment_not_pdf" } });
    expect(answers.get("L11")).toMatchObject({ status: "rejected", error: { code: "attachment_too_large" } });
    expect(pick("L9")).toMatchObject({ channels: ["paper"], paper_reason: "before_electronic_start" });

    const email = gw.ctx.database.sqlite
      .query("SELECT recipient, payload FROM outbox WHERE id = 'corr:L1:email'")
      .get() as {
      recipient: string;
      payload: string;
    };
    expect(email.recipient).toBe("jan.kowalski@example.pl");
    const stored = JSON.parse(email.payload).attachments;
    expect(stored).toHaveLength(1);
    expect(stored[0].filename).toBe("L1.pdf");
    expect(readFileSync(stored[0].path)).toEqual(PDF);
    const sms = gw.ctx.database.sqlite.query("SELECT payload FROM outbox WHERE id = 'corr:L2:sms'").get() as {
      payload: string;
    };
    expect(JSON.parse(sms.payload).text).toBe("Przypomnienie o płatności");
  });

  it("never sends an item twice: a repeated batch returns the first answers and queues nothing", async () => {
    const before = countRows(gw, "SELECT count(*) AS n FROM outbox");
    const folder = join(work, "letters");
    const summary = await sendCorrespondence(client, itemsFromFolder(folder), { batchSize: 100 });
    expect(countRows(gw, "SELECT count(*) AS n FROM outbox")).toBe(before);
    for (const a of summary.answers) {
      if (a.status === "accepted") expect(a).toEqual(answers.get(a.id));
    }
    expect(summary.repeated).toBe(7);
    const twiceInOneBatch = await client.json("POST", "correspondence", {
      items: [letter("L20", "KEL10-A-1", "water_bill"), letter("L20", "KEL10-A-1", "water_bill")],
    });
    expect(twiceInOneBatch.items[0]).toEqual(twiceInOneBatch.items[1]);
    expect(countRows(gw, "SELECT count(*) AS n FROM outbox WHERE correspondence_id = 'L20'")).toBe(1);
  });

  it("feeds delivery changes by cursor", async () => {
    const changes = await pullDeliveries(client, copy.db);
    const of = (id: string) => changes.filter((c) => c.correspondence_id === id).map((c) => `${c.channel}:${c.status}`);
    expect(of("L1")).toContain("email:queued");
    expect(of("L2")).toEqual(expect.arrayContaining(["email:queued", "sms:queued"]));
    expect(of("L3")).toEqual(["paper:paper"]);
    const seqs = changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await pullDeliveries(client, copy.db)).toEqual(changes.filter((c) => c.seq > seqs[seqs.length - 1]));
  });

  it("lists today's paper items with the reason, as JSON and as CSV", async () => {
    const list = await paperList(client, "2026-03-02");
    const reasons = Object.fromEntries(list.items.map((i) => [i.correspondence_id, i.reason]));
    expect(reasons).toEqual({
      L3: "payment_demand_on_paper",
      L4: "grace_period",
      L5: "no_consent",
      L9: "before_electronic_start",
    });
    expect(list.items.find((i) => i.correspondence_id === "L4")?.owners).toEqual([
      "Anna Nowak, z d. Wiśniewska",
      "Piotr Nowak",
    ]);
    const csv = await paperCsv(client, "2026-03-02");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("correspondence_id,flat,address,owners,category,subject,generated_at,reason,source,at");
    expect(lines).toHaveLength(5);
    expect(csv).toContain('"Anna Nowak, z d. Wiśniewska; Piotr Nowak"');
    expect((await paperList(client, "2026-03-03")).items).toEqual([]);
  });

  it("lets the office reject an enrolment in its grace period, once, and tells the resident", async () => {
    const result = await client.json("POST", "register/decisions", {
      flat: "KEL10-A-2",
      seq: enrolmentA2,
      decision: "reject",
      reason: "Osoba nie jest właścicielem lokalu",
    });
    expect(result).toMatchObject({
      repeated: false,
      event: { type: "office_rejected" },
      notices: [expect.any(String)],
    });
    const notice = gw.ctx.database.sqlite
      .query("SELECT recipient, payload FROM outbox WHERE id = ?")
      .get(result.notices[0]) as {
      recipient: string;
      payload: string;
    };
    expect(notice.recipient).toBe("anna.nowak@example.pl");
    expect(JSON.parse(notice.payload).text).toContain("Osoba nie jest właścicielem lokalu");
    const again = await client.json("POST", "register/decisions", {
      flat: "KEL10-A-2",
      seq: enrolmentA2,
      decision: "reject",
      reason: "ponownie",
    });
    expect(again).toMatchObject({ repeated: true, event: { seq: result.event.seq } });
    const late = await client
      .json("POST", "register/decisions", { flat: "KEL10-A-1", seq: 1, decision: "reject", reason: "za późno" })
      .catch((e) => e);
    expect(late).toBeInstanceOf(OfficeApiError);
    expect(late.status).toBe(409);
    expect(late.body.error.details.reason).toBe("grace_period_over");
    const after = await client.json("POST", "correspondence", { items: [letter("L30", "KEL10-A-2", "water_bill")] });
    expect(after.items[0]).toMatchObject({ channels: ["paper"], paper_reason: "rejected_by_office" });
  });

  it("answers the register state as of a date", async () => {
    const before = await client.json("GET", "register?as_of=2026-03-01&flat=KEL10-A-2");
    expect(before.flats[0]).toMatchObject({ status: "active", email: "anna.nowak@example.pl" });
    const now = await client.json("GET", "register?flat=KEL10-A-2");
    expect(now.flats[0].status).toBe("rejected");
    const all = await client.json("GET", "register");
    expect(all.flats.map((f: { flatCode: string }) => f.flatCode)).toEqual(["KEL10-A-1", "KEL10-A-2"]);
  });

  it("pulls the register into a local SQLite copy whose chain verifies and equals the gateway's", async () => {
    const result = await pullEvents(client, copy.db, { pageSize: 2 });
    expect(result.chain.ok).toBe(true);
    expect(copyEvents(copy.db)).toEqual(gw.ctx.register.eventsAfter(0, 1000));
    expect((await pullEvents(client, copy.db)).pulled).toBe(0);
  });

  it("lists the letter replacing a bounced rejection email on the signed paper list, the office's words in JSON only", async () => {
    const { id } = gw.ctx.database.sqlite.query("SELECT id FROM outbox WHERE id LIKE 'rejected-%-email'").get() as {
      id: string;
    };
    recordDelivery(gw.ctx, { messageId: id, status: "failed", reason: "550 5.1.1 no such user" });
    const day = gw.clock.now().toISOString().slice(0, 10);
    const item = (await paperList(client, day)).items.find((i) => i.category === "rejection_notice");
    expect(item).toMatchObject({
      correspondence_id: id.replace(/-email$/, ""),
      flat: "KEL10-A-2",
      reason: "email_failed: 550 5.1.1 no such user",
      source: "fallback",
      rejection_reason: "Osoba nie jest właścicielem lokalu",
    });
    const csv = await paperCsv(client, day);
    expect(csv).toContain(`${item?.correspondence_id},KEL10-A-2,`);
    expect(csv).not.toContain("Osoba nie jest");
  });

  it("serves a health summary and the kiosk keys", async () => {
    const health = await client.json("GET", "health");
    expect(health.parts.db.status).toBe("ok");
    expect(health.parts.office_sync.status).toBe("not_configured");
    expect((await client.json("GET", "kiosk-keys")).keys).toBeInstanceOf(Array);
  });
});
