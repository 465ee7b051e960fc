/**
 * A tiny office receiver for the push sync (tests, and a template for the office's side): checks
 * the signature, applies register events in order with deduplication by sequence and hash, and
 * stores delivery changes by sequence number.
 */
import { Hono } from "hono";
import type { Db } from "../../db/client.ts";
import type { ConsentEvent } from "../domain/registerEvents.ts";
import type { DeliveryChange } from "../services/listDeliveries.ts";
import { applyDeliveries, applyEvents, copyHead } from "./officeCopy.ts";
import { verifyRequest } from "./signing.ts";

export interface ReceiverOptions {
  db: Db;
  /** Keys the gateway may sign with: key id → secret. */
  keys: Record<string, string>;
  windowSeconds?: number;
  now?: () => number;
}

export interface ReceiverStats {
  requests: number;
  refused: number;
  eventsApplied: number;
  eventDuplicates: number;
  deliveriesApplied: number;
  deliveryDuplicates: number;
}

export function createOfficeReceiver(options: ReceiverOptions) {
  const seen = new Map<string, number>();
  const stats: ReceiverStats = {
    requests: 0,
    refused: 0,
    eventsApplied: 0,
    eventDuplicates: 0,
    deliveriesApplied: 0,
    deliveryDuplicates: 0,
  };
  const app = new Hono();
  app.use("*", async (c, next) => {
    stats.requests++;
    const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
    const url = new URL(c.req.url);
    const verdict = verifyRequest(
      {
        method: c.req.method,
        pathWithQuery: url.pathname + url.search,
        headers: (n) => c.req.header(n),
        body: new Uint8Array(await c.req.arrayBuffer()),
      },
      (keyId) =>
        options.keys[keyId] ? { secret: options.keys[keyId], clientId: "gateway", revoked: false } : undefined,
      nowSeconds,
      options.windowSeconds ?? 300,
    );
    if (!verdict.ok || seen.has(verdict.nonce)) {
      stats.refused++;
      return c.json({ error: { code: verdict.ok ? "replayed" : verdict.code }, server_time: nowSeconds }, 401);
    }
    seen.set(verdict.nonce, nowSeconds);
    await next();
  });
  app.post("/register/events", async (c) => {
    const body = (await c.req.json()) as { events: ConsentEvent[] };
    const result = applyEvents(options.db, body.events ?? []);
    stats.eventsApplied += result.applied;
    stats.eventDuplicates += result.duplicates;
    return c.json(result, result.problem ? 409 : 200);
  });
  app.post("/deliveries", async (c) => {
    const body = (await c.req.json()) as { changes: DeliveryChange[] };
    const result = applyDeliveries(options.db, body.changes ?? []);
    stats.deliveriesApplied += result.applied;
    stats.deliveryDuplicates += result.duplicates;
    return c.json(result);
  });
  const received: { kioskKeys: Array<Record<string, unknown>> } = { kioskKeys: [] };
  app.post("/kiosk-keys", async (c) => {
    const body = (await c.req.json()) as { keys: Array<Record<string, unknown>> };
    received.kioskKeys = body.keys ?? [];
    return c.json({ keys: received.kioskKeys.length });
  });
  app.get("/head", (c) => c.json(copyHead(options.db)));
  return { app, stats, received };
}
