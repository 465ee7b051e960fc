/**
 * An office programmer's receiver, built from the served OpenAPI document alone: its `webhooks`
 * give the paths (x-path), the JSON Schemas of bodies and answers, and `x-push` the signature
 * rules. Nothing of the gateway's push code is imported here; the gateway is only the system
 * under test (and the oracle for the assertions).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Ajv2020 from "ajv/dist/2020.js";
import canonicalize from "canonicalize";
import { afterAll, describe, expect, it } from "vitest";
import { kioskKeySet } from "../receipts/kioskKey.ts";
import { addOfficeKey } from "../services/addOfficeKey.ts";
import { listDeliveries } from "../services/listDeliveries.ts";
import { letterPostDetails } from "../services/paperList.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { enrolDirect, serve } from "../testing/office.ts";
import { OfficeClient } from "./client.ts";

const SECRET = "a-secret-the-office-gave-the-kiosk-0123";
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON, as an office would
type Json = any;

interface Received {
  order: number[];
  events: Json[];
  deliveries: Map<number, Json>;
  keys: Json[];
  problems: string[];
  requests: number;
}

/** The receiver: everything it knows comes from `doc`. */
function receiverFromDocument(doc: Json, secrets: Record<string, string>, nowSeconds: () => number) {
  // The whole document is one schema resource, so `$ref`s into components resolve as they stand.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema(doc, "openapi.json");
  const pointer = (parts: string[]) =>
    `openapi.json#/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
  const compile = (parts: string[]) => ajv.compile({ $ref: pointer(parts) });
  /** Follows a local `$ref` (#/components/…) to the schema it names. */
  const deref = (node: Json): Json =>
    node?.$ref?.startsWith("#/")
      ? deref(
          node.$ref
            .slice(2)
            .split("/")
            .reduce((at: Json, key: string) => at[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc),
        )
      : node;
  const rules = doc["x-push"].signature;
  const hooks = new Map<string, { name: string; op: Json }>();
  for (const [name, hook] of Object.entries(doc.webhooks) as Array<[string, Json]>) {
    hooks.set(hook.post["x-path"] ?? `/${name}`, { name, op: hook.post });
  }
  const at = (path: string, ...rest: string[]) => [
    "webhooks",
    (hooks.get(path) as { name: string }).name,
    "post",
    ...rest,
  ];
  const body = (path: string) => compile(at(path, "requestBody", "content", "application/json", "schema"));
  const answer = (path: string, status: string) =>
    compile(at(path, "responses", status, "content", "application/json", "schema"));
  const events = hooks.get("/register/events")?.op;
  const deliveries = hooks.get("/deliveries")?.op;
  const checks = {
    eventsBody: body("/register/events"),
    events200: answer("/register/events", "200"),
    events409: answer("/register/events", "409"),
    deliveriesBody: body("/deliveries"),
    keysBody: body("/kiosk-keys"),
    keys200: answer("/kiosk-keys", "200"),
  };
  // What the hash covers, as the event schema's `hash` description names it.
  const eventSchema = deref(
    deref(deref(events.requestBody.content["application/json"].schema).properties.events).items,
  );
  const hashDescription: string = deref(eventSchema.properties.hash).description;
  const hashed = (/\{([^}]+)\}/.exec(hashDescription)?.[1] ?? "").split(",").map((f) => f.trim());
  expect(hashed).toContain("prevHash");
  expect(deliveries.responses["204"]).toBeDefined();

  const got: Received = { order: [], events: [], deliveries: new Map(), keys: [], problems: [], requests: 0 };
  const nonces = new Set<string>();
  const head = () => got.events.at(-1) ?? { seq: 0, hash: "0".repeat(64) };

  function verify(req: IncomingMessage, path: string, body: Buffer): string | null {
    const h = (name: string) => String(req.headers[name.toLowerCase()] ?? "");
    const values: Record<string, string> = {
      METHOD: req.method ?? "",
      PATH_WITH_QUERY: path,
      TIMESTAMP: h(rules.headers.timestamp),
      NONCE: h(rules.headers.nonce),
      BODY_SHA256: createHash("sha256").update(body).digest("hex"),
      KIOSK_ID: h(rules.headers.kioskId),
    };
    const secret = secrets[h(rules.headers.key)];
    if (!secret) return "unknown_key";
    const signed = (rules.lines as string[]).map((line) => values[line]).join(rules.separator);
    const expected = Buffer.from(createHmac("sha256", secret).update(signed).digest("hex"));
    const given = Buffer.from(h(rules.headers.signature));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "bad_signature";
    if (Math.abs(nowSeconds() - Number(values.TIMESTAMP)) > rules.windowSeconds) return "timestamp_skew";
    if (nonces.has(values.NONCE)) return "replayed";
    nonces.add(values.NONCE);
    return null;
  }

  function applyEvents(batch: Json[]): { status: number; answer: Json } {
    let applied = 0;
    let duplicates = 0;
    for (const event of batch) {
      const at = head();
      const answer = (kind: string) => ({
        status: 409,
        answer: {
          head_seq: head().seq,
          head_hash: head().hash,
          applied,
          duplicates,
          problem: { kind, seq: event.seq },
        },
      });
      if (event.seq <= at.seq) {
        if (got.events[event.seq - 1].hash !== event.hash) return answer("hash_conflict");
        duplicates++;
        continue;
      }
      if (event.seq > at.seq + 1) return answer("gap");
      const content = Object.fromEntries(hashed.map((f) => [f, event[f]]));
      if (
        createHash("sha256")
          .update(canonicalize(content) ?? "")
          .digest("hex") !== event.hash
      )
        return answer("bad_hash");
      if (event.prevHash !== at.hash) return answer("bad_link");
      got.events.push(event);
      got.order.push(event.seq);
      applied++;
    }
    return { status: 200, answer: { head_seq: head().seq, head_hash: head().hash, applied, duplicates } };
  }

  return {
    got,
    async handle(req: IncomingMessage, res: ServerResponse, base: string) {
      got.requests++;
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://office");
      const send = (status: number, answer?: Json) => {
        res.writeHead(status, answer === undefined ? {} : { "content-type": "application/json" });
        res.end(answer === undefined ? undefined : JSON.stringify(answer));
      };
      const refused = verify(req, url.pathname + url.search, body);
      if (refused) {
        got.problems.push(`401 ${refused}`);
        return send(401, { error: { code: refused } });
      }
      const op = hooks.get(url.pathname.slice(base.length))?.op;
      if (!op || req.method !== "POST") return send(404, { error: { code: "not_found" } });
      const json = JSON.parse(body.toString("utf8"));
      if (op === events) {
        if (!checks.eventsBody(json)) got.problems.push(`events body: ${ajv.errorsText(checks.eventsBody.errors)}`);
        const { status, answer } = applyEvents(json.events);
        const check = status === 200 ? checks.events200 : checks.events409;
        if (!check(answer)) got.problems.push(`our own events answer: ${ajv.errorsText(check.errors)}`);
        return send(status, answer);
      }
      if (op === deliveries) {
        if (!checks.deliveriesBody(json))
          got.problems.push(`deliveries: ${ajv.errorsText(checks.deliveriesBody.errors)}`);
        for (const change of json.changes) got.deliveries.set(change.seq, change);
        return send(204); // documented: stored the whole batch
      }
      if (!checks.keysBody(json)) got.problems.push(`keys: ${ajv.errorsText(checks.keysBody.errors)}`);
      got.keys = json.keys;
      const answer = { keys: got.keys.length };
      if (!checks.keys200(answer)) got.problems.push(`our own keys answer: ${ajv.errorsText(checks.keys200.errors)}`);
      return send(200, answer);
    },
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a receiver built from the published document alone", () => {
  it("receives every register event once, in order, with the chain intact, and the deliveries and key set", async () => {
    // The office is up before it knows the contract: 503 until the receiver is built.
    let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
    const server = createServer((req, res) => {
      if (handler) return handler(req, res);
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = "/biuro/ekor";
    const gw: TestGateway = await startTestGateway({
      office: {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${base}`,
        keyId: "pi-radom",
        secret: SECRET,
        pushBatchSize: 7,
        pushIntervalMs: 20,
        pushBackoffBaseMs: 20,
        pushBackoffMaxMs: 200,
        pushTimeoutMs: 2_000,
        pushHeadCheckMs: 200,
      },
    });
    cleanups.push(() => gw.dispose());

    const officeApi = serve(gw.officeApp.fetch);
    cleanups.push(() => officeApi.stop());
    const doc = await (await fetch(`${officeApi.url}/office/v1/openapi.json`)).json();
    expect(doc.openapi).toBe("3.1.0");
    const receiver = receiverFromDocument(doc, { "pi-radom": SECRET }, () => gw.clock.now().getTime() / 1000);
    handler = (req, res) => {
      receiver.handle(req, res, base).catch((err) => {
        receiver.got.problems.push(String(err));
        res.writeHead(500).end();
      });
    };

    const shares = gw.ctx.database.sqlite
      .query("SELECT flat_code, owner_id FROM ownership_shares ORDER BY flat_code")
      .all() as Array<{ flat_code: string; owner_id: string }>;
    for (let i = 0; i < 45; i++) {
      const share = shares[i % shares.length];
      enrolDirect(gw, share.flat_code, share.owner_id, { email: `osoba${i}@example.pl`, mobile: "+48600100200" });
      if (i % 9 === 0) await new Promise((r) => setTimeout(r, 30)); // while pushing
    }
    const key = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-api" });
    const client = new OfficeClient({
      baseUrl: `${officeApi.url}/office/v1`,
      key,
      now: () => gw.clock.now().getTime(),
    });
    await client.json("POST", "correspondence", {
      items: shares.slice(0, 12).map((s, i) => ({
        id: `W-${i}`,
        flat: s.flat_code,
        category: "water_bill",
        generated_at: "2026-03-01T12:00:00Z",
        subject: "Rachunek za wodę",
        text: "Dzień dobry",
      })),
    });

    const headSeq = () => (gw.ctx.register.status.ok ? gw.ctx.register.status.headSeq : -1);
    const deliveries = () => listDeliveries(gw.ctx, { after: 0, limit: 100_000 }).changes;
    await until(
      () =>
        receiver.got.events.length === headSeq() &&
        receiver.got.deliveries.size === deliveries().length &&
        receiver.got.keys.length > 0,
      "everything at the office",
    );
    expect(receiver.got.problems).toEqual([]);
    expect(headSeq()).toBe(45);
    expect(receiver.got.order).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(receiver.got.events).toEqual(gw.ctx.register.eventsAfter(0, 1_000));
    // Paper changes carry the letter's post details (address, owners, heading), as the document describes.
    const paperIds = deliveries()
      .filter((d) => d.status === "paper" && d.correspondence_id)
      .map((d) => d.correspondence_id!);
    expect(paperIds.length).toBeGreaterThan(0);
    const letters = letterPostDetails(gw.ctx, paperIds);
    expect([...receiver.got.deliveries.values()].sort((a, b) => a.seq - b.seq)).toEqual(
      deliveries().map((d) => {
        const letter = d.status === "paper" && d.correspondence_id ? letters.get(d.correspondence_id) : undefined;
        return letter ? { ...d, letter } : d;
      }),
    );
    expect(receiver.got.keys).toEqual(kioskKeySet(gw.ctx.db).keys);
  });
});
