/**
 * Signed requests, the gateway's HMAC scheme (gateway/office/signing.ts): a kiosk's push key
 * may only push, an office key may only read its cooperative. Each nonce is accepted once
 * (stored in PostgreSQL, so a restart does not reopen a replay window).
 */
import { createMiddleware } from "hono/factory";
import type { Clock } from "../gateway/clock.ts";
import { HEADER, verifyRequest } from "../gateway/office/signing.ts";
import type { HubDb } from "./db/client.ts";

export interface Principal {
  keyId: string;
  cooperativeId: string;
  kioskId: string | null;
}

export type HubEnv = { Variables: { principal: Principal; body: Uint8Array } };

function refuse(code: string, message: string, status: 400 | 401 | 403 | 413, nowSeconds: number) {
  return Response.json({ error: { code, message }, server_time: nowSeconds }, { status });
}

interface HubKey {
  keyId: string;
  secret: string;
  cooperativeId: string;
  kioskId: string | null;
  revokedAt: string | null;
}

/** The key a request names: one prepared statement on every signed request (no query building). */
async function findKey(db: HubDb, keyId: string): Promise<HubKey | undefined> {
  const [row] = await db.$client`
    SELECT key_id, secret, cooperative_id, kiosk_id, revoked_at FROM hub_keys WHERE key_id = ${keyId}`;
  return row
    ? {
        keyId: row.key_id,
        secret: row.secret,
        cooperativeId: row.cooperative_id,
        kioskId: row.kiosk_id,
        revokedAt: row.revoked_at,
      }
    : undefined;
}

export function signedBy(
  deps: { db: HubDb; clock: Clock; windowSeconds: number; maxBodyBytes: number },
  role: "kiosk" | "office",
) {
  return createMiddleware<HubEnv>(async (c, next) => {
    const now = deps.clock.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > deps.maxBodyBytes)
      return refuse("too_large", `body over ${deps.maxBodyBytes} bytes`, 413, nowSeconds);
    const keyId = c.req.header(HEADER.key) ?? "";
    const key = keyId ? await findKey(deps.db, keyId) : undefined;
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > deps.maxBodyBytes)
      return refuse("too_large", `body over ${deps.maxBodyBytes} bytes`, 413, nowSeconds);
    const url = new URL(c.req.url);
    const verdict = verifyRequest(
      {
        method: c.req.method,
        pathWithQuery: url.pathname + url.search,
        headers: (n) => c.req.header(n),
        body,
        // A kiosk's push signs its X-Kiosk-Id as a sixth line (gateway/office/pushContract.ts).
        signsKioskId: role === "kiosk",
      },
      (id) =>
        key && key.keyId === id
          ? { secret: key.secret, clientId: key.kioskId ?? "office", revoked: key.revokedAt !== null }
          : undefined,
      nowSeconds,
      deps.windowSeconds,
    );
    if (!verdict.ok) return refuse(verdict.code, verdict.message, 401, nowSeconds);
    if (!key) throw new Error("verified against a key the hub does not hold");
    if ((role === "kiosk") !== (key.kioskId !== null)) {
      return refuse("wrong_key", `this is ${key.kioskId ? "a kiosk's push key" : "an office key"}`, 403, nowSeconds);
    }
    const claimed = c.req.header("x-kiosk-id");
    if (role === "kiosk" && claimed && claimed !== key.kioskId) {
      return refuse("kiosk_mismatch", `key ${key.keyId} belongs to another kiosk than "${claimed}"`, 403, nowSeconds);
    }
    // Asynchronous commit: a nonce lost in a crash only reopens the replay window of requests
    // that are idempotent anyway, and it saves one disk flush per request. set_config(…, true)
    // holds for this statement's own transaction, so it is one round trip.
    const fresh = await deps.db.$client`
      WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
      INSERT INTO push_nonces (key_id, nonce, seen_at)
      SELECT ${key.keyId}, ${verdict.nonce}, ${now.toISOString()} FROM async_commit
      ON CONFLICT DO NOTHING RETURNING nonce`;
    if (fresh.length === 0) return refuse("replayed", "this nonce was already used", 401, nowSeconds);
    c.set("principal", { keyId: key.keyId, cooperativeId: key.cooperativeId, kioskId: key.kioskId });
    c.set("body", body);
    await next();
  });
}
