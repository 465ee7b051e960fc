/**
 * The hub's signed pushes on a real PostgreSQL: a nonce is taken once, a revoked key is refused at
 * once (the key is read on every request, never cached), and a key cannot push for another kiosk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../gateway/clock.ts";
import { createLogger } from "../gateway/logger.ts";
import { newNonce, signRequest } from "../gateway/office/signing.ts";
import { createHubApp } from "./app.ts";
import { hubConfigSchema } from "./config.ts";
import { migrateHubDb, type OpenedHubDb, openHubDb } from "./db/client.ts";
import { addCooperative, type IssuedKey, provisionKiosk, revokeKey } from "./services/provision.ts";
import { createDatabase, startTestPostgres, type TestPostgres } from "./testing/postgres.ts";

let pg: TestPostgres;
let opened: OpenedHubDb;
let app: ReturnType<typeof createHubApp>;
let key: IssuedKey;
const clock = new ManualClock(new Date("2026-03-02T08:00:00Z"));
const PATH = "/push/v1/register/events";
const EMPTY = JSON.stringify({ events: [], next_cursor: 0, head_seq: 0, has_more: false });

async function push(signer: IssuedKey, kioskId: string, nonce = newNonce()) {
  const headers = signRequest(
    signer,
    { method: "POST", pathWithQuery: PATH, body: EMPTY, kioskId },
    clock.now().getTime() / 1000,
    nonce,
  );
  const res = await app.request(PATH, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: EMPTY,
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string }; head_seq?: number } };
}

beforeAll(async () => {
  pg = await startTestPostgres({ fsync: false });
  opened = openHubDb(await createDatabase(pg, "auth"), 2);
  await migrateHubDb(opened.db);
  await addCooperative({ db: opened.db }, { id: "nasz-dom", name: "SM Nasz Dom" });
  key = await provisionKiosk({ db: opened.db }, { cooperativeId: "nasz-dom", kioskId: "KIOSK-A" });
  const config = hubConfigSchema.parse({ databaseUrl: "unused: the app gets its db" });
  app = createHubApp({ db: opened.db, config, logger: createLogger("silent"), clock });
}, 60_000);

afterAll(async () => {
  await opened?.close();
  await pg?.stop();
});

describe("a kiosk's signed push", () => {
  it("is taken once per nonce, refused for another kiosk, and refused as soon as its key is revoked", async () => {
    const nonce = newNonce();
    expect(await push(key, "KIOSK-A", nonce)).toEqual({ status: 200, body: expect.objectContaining({ head_seq: 0 }) });
    expect((await push(key, "KIOSK-A", nonce)).body.error?.code).toBe("replayed");
    expect(await push(key, "KIOSK-B")).toMatchObject({ status: 403, body: { error: { code: "kiosk_mismatch" } } });
    await revokeKey({ db: opened.db, clock }, { keyId: key.keyId });
    expect(await push(key, "KIOSK-A")).toMatchObject({ status: 401, body: { error: { code: "revoked_key" } } });
    expect(await push({ keyId: "no-such-key", secret: key.secret }, "KIOSK-A")).toMatchObject({
      status: 401,
      body: { error: { code: "unknown_key" } },
    });
  });
});
