/**
 * A tiny office receiver for the push sync (tests, and a template for the office's side): checks
 * the signature (kiosk id included) and the nonce, validates each body with the push contract,
 * applies register events in order with deduplication by sequence and hash, stores delivery
 * changes by sequence number and keeps the kiosk's key set. Answers as pushContract.ts says.
 */
import { Hono } from "hono";
import type { Db } from "../../db/client.ts";
import type { ConsentEvent } from "../domain/registerEvents.ts";
import { applyDeliveries, applyEvents, copyHead } from "./officeCopy.ts";
import {
  type DeliveriesPushAnswer,
  type EventsPushAnswer,
  type KioskKeysPushAnswer,
  type KioskKeysPushBody,
  PUSH_SIGNATURE,
  PUSH_STREAMS,
} from "./pushContract.ts";
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
  const received: { kioskKeys: KioskKeysPushBody["keys"] } = { kioskKeys: [] };
  const app = new Hono();
  app.use("*", async (c, next) => {
    stats.requests++;
    const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
    const window = options.windowSeconds ?? PUSH_SIGNATURE.windowSeconds;
    for (const [nonce, at] of seen) if (at < nowSeconds - 2 * window) seen.delete(nonce);
    const url = new URL(c.req.url);
    const verdict = verifyRequest(
      {
        method: c.req.method,
        pathWithQuery: url.pathname + url.search,
        headers: (n) => c.req.header(n),
        body: new Uint8Array(await c.req.arrayBuffer()),
        signsKioskId: true,
      },
      (keyId) =>
        options.keys[keyId] ? { secret: options.keys[keyId], clientId: "gateway", revoked: false } : undefined,
      nowSeconds,
      window,
    );
    if (!verdict.ok || seen.has(verdict.nonce)) {
      stats.refused++;
      return c.json({ error: { code: verdict.ok ? "replayed" : verdict.code }, server_time: nowSeconds }, 401);
    }
    seen.set(verdict.nonce, nowSeconds);
    await next();
  });
  app.post(`/${PUSH_STREAMS.registerEvents.path}`, async (c) => {
    const json = await c.req.json();
    const body = PUSH_STREAMS.registerEvents.body.safeParse(json);
    if (!body.success) return c.json({ error: { code: "bad_body", message: body.error.message } }, 400);
    // The events as sent (not the parsed copy): the hash covers them exactly.
    const result = applyEvents(options.db, (json as { events: ConsentEvent[] }).events);
    stats.eventsApplied += result.applied;
    stats.eventDuplicates += result.duplicates;
    return c.json(result satisfies EventsPushAnswer, result.problem ? 409 : 200);
  });
  app.post(`/${PUSH_STREAMS.deliveries.path}`, async (c) => {
    const body = PUSH_STREAMS.deliveries.body.safeParse(await c.req.json());
    if (!body.success) return c.json({ error: { code: "bad_body", message: body.error.message } }, 400);
    const result = applyDeliveries(options.db, body.data.changes);
    stats.deliveriesApplied += result.applied;
    stats.deliveryDuplicates += result.duplicates;
    const answer: DeliveriesPushAnswer = {
      head_seq: result.head_seq,
      applied: result.applied,
      duplicates: result.duplicates,
    };
    return c.json(answer);
  });
  app.post(`/${PUSH_STREAMS.kioskKeys.path}`, async (c) => {
    const body = PUSH_STREAMS.kioskKeys.body.safeParse(await c.req.json());
    if (!body.success) return c.json({ error: { code: "bad_body", message: body.error.message } }, 400);
    received.kioskKeys = body.data.keys;
    return c.json({ keys: received.kioskKeys.length } satisfies KioskKeysPushAnswer);
  });
  app.get("/head", (c) => c.json(copyHead(options.db)));
  return { app, stats, received };
}
