/**
 * The office API keeps its contract: the generated OpenAPI document names exactly the routes the
 * office app serves, and what a running gateway answers on a real socket validates against the
 * document's own JSON Schemas (checked by Ajv, not by the zod schemas it was made from).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficeKey } from "../services/addOfficeKey.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { enrolDirect, type Served, serve } from "../testing/office.ts";
import { OfficeClient } from "./client.ts";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").toString("base64");
const OWNERS = {
  buildings: [{ id: "KEL10", address: "ul. Kelecka 10", city: "Radom" }],
  flats: [
    { code: "KEL10-A-1", buildingId: "KEL10", staircase: "A", number: "1", verificationCode: "123456" },
    { code: "KEL10-A-2", buildingId: "KEL10", staircase: "A", number: "2", verificationCode: "223456" },
    { code: "KEL10-A-3", buildingId: "KEL10", staircase: "A", number: "3", verificationCode: "323456" },
    { code: "bad code!", buildingId: "KEL10", staircase: "A", number: "3" },
  ],
  owners: [
    { id: "O1", firstName: "Jan", surname: "Kowalski" },
    { id: "O2", firstName: "Anna", surname: "Nowak" },
    { id: "O3", firstName: "Ewa", surname: "Zielińska" },
  ],
  shares: [
    { flatCode: "KEL10-A-1", ownerId: "O1", role: "owner" },
    { flatCode: "KEL10-A-2", ownerId: "O2", role: "owner" },
    { flatCode: "KEL10-A-3", ownerId: "O3", role: "owner" },
  ],
};

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON, walked by path
type Json = any;

let gw: TestGateway;
let server: Served;
let client: OfficeClient;
let doc: Json;
let ajv: Ajv2020;
let counter = 0;

function letter(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    flat: "KEL10-A-1",
    category: "water_bill",
    generated_at: "2026-03-02T08:00:00Z",
    subject: `Pismo ${id}`,
    text: "Treść pisma.",
    ...extra,
  };
}

/** `GET /register?x=1` → the document's path template and the operation. */
function operationOf(method: string, path: string): { template: string; op: Json } {
  const bare = `/${path.split("?")[0]}`;
  for (const [template, ops] of Object.entries<Json>(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`);
    if (pattern.test(bare) && ops[method.toLowerCase()]) return { template, op: ops[method.toLowerCase()] };
  }
  throw new Error(`${method} ${path} is not in the document`);
}

const checked = new Set<string>();

/** A real request on the socket; its answer must validate against the document's schema for it. */
async function call(method: string, path: string, body?: unknown, signed = true) {
  const res = signed
    ? await client.raw(method, path, body)
    : await fetch(`${server.url}/office/v1/${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
  const { template, op } = operationOf(method, path);
  const answer = op.responses[String(res.status)];
  expect(answer, `${method} ${path} answered ${res.status}, which the document does not list`).toBeDefined();
  const type = (res.headers.get("content-type") ?? "").split(";")[0];
  const media = answer.content?.[type];
  expect(media, `${method} ${path} ${res.status} answered ${type}`).toBeDefined();
  const data = type === "application/json" ? JSON.parse(res.text) : res.text;
  const pointer = ["paths", template, method.toLowerCase(), "responses", String(res.status), "content", type, "schema"]
    .map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1"))
    .join("/");
  const validate = ajv.getSchema(`openapi.json#/${pointer}`);
  expect(validate, pointer).toBeDefined();
  const ok = validate!(data);
  expect(ok ? [] : validate!.errors, `${method} ${path} ${res.status}`).toEqual([]);
  checked.add(`${method.toLowerCase()} ${template} ${res.status}`);
  return { status: res.status, body: data };
}

beforeAll(async () => {
  gw = await startTestGateway({}, { demo: false });
  const key = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-main" });
  server = serve(gw.officeApp.fetch);
  client = new OfficeClient({
    baseUrl: `${server.url}/office/v1`,
    key,
    now: () => gw.clock.now().getTime(),
    retries: 0,
  });
  doc = await (await fetch(`${server.url}/office/v1/openapi.json`)).json();
  ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  ajv.addSchema(doc, "openapi.json");
  await client.json("PUT", "owners", OWNERS);
  enrolDirect(gw, "KEL10-A-1", "O1", { email: "jan@example.pl", mobile: "+48600100200" }, "2026-01-05T09:00:00Z");
});

afterAll(async () => {
  await server.stop();
  await gw.dispose();
});

describe("the office API contract", () => {
  it("documents exactly the routes the office app serves", () => {
    const served = gw.officeApp.routes
      .filter((r) => r.path.startsWith("/office/v1") && r.method !== "ALL")
      .map(
        (r) =>
          `${r.method.toLowerCase()} ${r.path
            .replace("/office/v1", "")
            .replace(/\/$/, "")
            .replace(/:(\w+)/g, "{$1}")}`,
      );
    const documented = Object.entries<Json>(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    expect(new Set(served).size).toBeGreaterThan(10);
    expect([...new Set(served)].sort()).toEqual([...documented].sort());
  });

  it("lists the routing reasons, the item codes and the error codes from the code's own constants, and the guide lists the same error codes", async () => {
    const { REASON_CODES } = await import("../domain/routing.ts");
    const { ITEM_REJECTIONS } = await import("./contract/correspondence.ts");
    const { OFFICE_ERROR_CODES } = await import("./contract/errors.ts");
    const { AUTH_FAILURES } = await import("./signing.ts");
    const schemas = doc.components.schemas;
    expect(schemas.ItemAccepted.properties.decisions.items.properties.reason.enum).toEqual([...REASON_CODES]);
    expect(schemas.ItemRejected.properties.error.properties.code.enum).toEqual(Object.keys(ITEM_REJECTIONS));
    expect(schemas.ErrorCode.enum).toEqual(OFFICE_ERROR_CODES);
    expect(schemas.ErrorCode.enum).toEqual(expect.arrayContaining([...AUTH_FAILURES, "bad_request", "not_found"]));
    for (const code of schemas.ErrorCode.enum) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    const guide = readFileSync(join(import.meta.dirname, "../../docs/office-api.md"), "utf8");
    const table = guide.slice(guide.indexOf("### Error codes"));
    const listed = [...table.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...OFFICE_ERROR_CODES].sort());
  });

  it("answers every route with bodies that validate against the document", async () => {
    await call("GET", "openapi.json", undefined, false);
    const owners = await call("PUT", "owners", OWNERS);
    expect(owners.body.rejected).toEqual([expect.objectContaining({ section: "flats", index: 3 })]);
    const late = enrolDirect(gw, "KEL10-A-2", "O2", { email: "anna@example.pl" }, "2026-03-01T09:00:00Z");
    const batch = await call("POST", "correspondence", {
      items: [
        letter("C1", { attachments: [{ filename: "rachunek.pdf", content_base64: PDF }] }),
        letter("C2", { generated_at: "2021-02-30" }),
        letter("C3", { flat: "KEL10-A-2", category: "payment_reminder", sms_text: "Przypomnienie" }),
      ],
    });
    expect(batch.body.items.map((i: Json) => i.status)).toEqual(["accepted", "rejected", "accepted"]);
    await call("GET", "correspondence/C1");
    expect((await call("GET", "correspondence/NOPE")).status).toBe(404);
    await call("GET", "register/events?after=0&limit=2");
    await call("GET", "register?as_of=2026-03-01&flat=KEL10-A-1");
    await call("GET", "register");
    expect(
      (
        await call("POST", "register/decisions", {
          flat: "KEL10-A-2",
          seq: late.seq,
          decision: "reject",
          reason: "Nie jest właścicielem",
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call("POST", "register/decisions", {
          flat: "KEL10-A-2",
          seq: late.seq,
          decision: "reject",
          reason: "ponownie",
        })
      ).status,
    ).toBe(200);
    const tooLate = await call("POST", "register/decisions", {
      flat: "KEL10-A-1",
      seq: 1,
      decision: "reject",
      reason: "za późno",
    });
    expect(tooLate.body.error).toMatchObject({ code: "conflict", details: { reason: "grace_period_over" } });
    expect(
      (await call("POST", "register/decisions", { flat: "KEL10-A-1", seq: 999, decision: "reject", reason: "brak" }))
        .body.error.code,
    ).toBe("not_found");
    await call("GET", "deliveries?after=0");
    const paper = await call("GET", "paper?date=2026-03-02");
    expect(paper.body.count).toBeGreaterThanOrEqual(0);
    await call("GET", "messages?unseen=true");
    await call("POST", "messages/seen", { ids: ["nothing-yet"] });
    await call("GET", "kiosk-keys");
    await call("GET", "health");
    const bad = await call("GET", "deliveries?limit=0");
    expect(bad.body.error).toMatchObject({ code: "bad_request", field: "limit" });
    const unsigned = await call("GET", "health", undefined, false);
    expect(unsigned.body.error.code).toBe("missing_header");

    const successes = Object.entries<Json>(doc.paths).flatMap(([path, ops]) =>
      Object.entries<Json>(ops).map(([method, op]) => {
        const status = Object.keys(op.responses).find((s) => s.startsWith("2"));
        return `${method} ${path} ${status}`;
      }),
    );
    expect(successes.filter((s) => !checked.has(s))).toEqual([]);
  });

  it("answers each item of a batch on its own: one bad item does not fail the others", async () => {
    const { body } = await call("POST", "correspondence", {
      items: [
        letter("B1"),
        letter("B2", { subject: "" }),
        "not an item",
        { ...letter("B4"), category: "telegram" },
        letter("B5", { flat: "NOPE-1" }),
        letter("B6", { attachments: [{ filename: "x.txt", content_base64: Buffer.from("hello").toString("base64") }] }),
        letter("B7"),
      ],
    });
    expect(body.items.map((i: Json) => [i.id, i.status, i.error?.code ?? null])).toEqual([
      ["B1", "accepted", null],
      ["B2", "rejected", "bad_subject"],
      ["", "rejected", "bad_item"],
      ["B4", "rejected", "bad_category"],
      ["B5", "rejected", "unknown_flat"],
      ["B6", "rejected", "attachment_not_pdf"],
      ["B7", "accepted", null],
    ]);
    const queued = gw.ctx.database.sqlite
      .query("SELECT correspondence_id AS id FROM outbox WHERE correspondence_id LIKE 'B%' ORDER BY id")
      .all() as Array<{ id: string }>;
    expect(queued.map((r) => r.id)).toEqual(["B1", "B7"]);
  });

  it("refuses generated_at dates that are not ISO 8601 dates on the calendar, with bad_generated_at", async () => {
    const bad = [
      "2021-02-30",
      "12",
      "2021",
      "2021-13-01",
      "2023-02-29",
      "2026-03-02T24:00",
      "2026-03-02T10:60Z",
      "2026-03-02 10:00",
      "02.03.2026",
      "2026-03-02T10:00:00+25:00",
    ];
    const good = [
      "2024-02-29",
      "2026-03-02",
      "2026-03-02T09:00",
      "2026-03-02T08:00:00.123456Z",
      "2026-03-02T09:30:00+01:00",
    ];
    const items = [...bad, ...good].map((generated_at) => letter(`D${counter++}`, { generated_at }));
    const { body } = await call("POST", "correspondence", { items });
    const codes = body.items.map((i: Json) => i.error?.code ?? i.status);
    expect(codes).toEqual([...bad.map(() => "bad_generated_at"), ...good.map(() => "accepted")]);
    expect(doc.components.schemas.ItemRejected.properties.error.properties.code.enum).toContain("bad_generated_at");
  });

  it("refuses an as_of that is not a date on the calendar with bad_request, and reads a bare date as the end of that Warsaw day", async () => {
    for (const asOf of ["2021-02-30", "12", "2021"]) {
      const { status, body } = await call("GET", `register?as_of=${asOf}`);
      expect(status, asOf).toBe(400);
      expect(body.error).toMatchObject({ code: "bad_request", field: "as_of" });
    }
    expect((await call("GET", "register?as_of=2026-03-01")).body.as_of).toBe("2026-03-01T22:59:59.999Z");
    expect((await call("GET", "register?as_of=2026-07-01T12:00")).body.as_of).toBe("2026-07-01T10:00:00.000Z");
  });

  it("refuses a generated_at later than now plus office.maxFutureSkewSeconds, so a future date cannot skip the grace period", async () => {
    // Now is 2026-03-02T10:00Z = 11:00 in Warsaw; the skew allowed is 300 s.
    const when = [
      "2026-03-02T10:04:59Z",
      "2026-03-02T11:04",
      "2026-03-02",
      "2026-03-02T10:05:01Z",
      "2026-03-02T11:06",
      "2026-03-03",
      "2026-04-01",
    ];
    const items = when.map((generated_at) => letter(`F${counter++}`, { flat: "KEL10-A-1", generated_at }));
    // KEL10-A-1 enrolled on 2026-01-05: in the grace period until 2026-01-19, so its letters now go by email.
    const { body } = await call("POST", "correspondence", { items });
    expect(body.items.map((i: Json) => i.error?.code ?? i.status)).toEqual([
      "accepted",
      "accepted",
      "accepted",
      "generated_at_in_future",
      "generated_at_in_future",
      "generated_at_in_future",
      "generated_at_in_future",
    ]);
    // A flat enrolled an hour ago is in its 14-day grace period: a letter dated a month ahead must not go by email.
    enrolDirect(gw, "KEL10-A-3", "O3", { email: "ewa@example.pl" }, "2026-03-02T09:00:00Z");
    const ahead = await call("POST", "correspondence", {
      items: [letter("G1", { flat: "KEL10-A-3", generated_at: "2026-03-20" })],
    });
    expect(ahead.body.items[0]).toMatchObject({ status: "rejected", error: { code: "generated_at_in_future" } });
    gw.clock.advance(19 * 86_400_000);
    const later = await call("POST", "correspondence", {
      items: [letter("G1", { flat: "KEL10-A-3", generated_at: "2026-03-20" })],
    });
    expect(later.body.items[0]).toMatchObject({ status: "accepted", channels: ["email"] });
  });
});
