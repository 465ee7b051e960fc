/**
 * What kiosks push: their key set, register events and delivery changes (office.url = <hub>/push/v1),
 * checked against the push contract's own schemas (gateway/office/pushContract.ts).
 */
import { Hono } from "hono";
import type * as z from "zod";
import {
  deliveriesPushBodySchema,
  eventsPushBodySchema,
  kioskKeysPushBodySchema,
} from "../../gateway/office/pushContract.ts";
import type { HubEnv } from "../auth.ts";
import { HubError } from "../errors.ts";
import { isEventsPushBody } from "../eventsBody.ts";
import { applyDeliveries } from "../services/applyDeliveries.ts";
import { type ApplyEventsDeps, applyEvents } from "../services/applyEvents.ts";
import { storeKioskKeys } from "../services/storeKioskKeys.ts";

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new HubError("bad_request", "body is not JSON");
  }
}

function parse<T extends z.ZodType>(schema: T, json: unknown): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HubError("bad_request", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return parsed.data;
}

export function pushRoutes(deps: ApplyEventsDeps) {
  const app = new Hono<HubEnv>();
  app.post("/kiosk-keys", async (c) => {
    const { kioskId } = c.get("principal");
    const body = parse(kioskKeysPushBodySchema, parseJson(c.get("body")));
    return c.json(await storeKioskKeys(deps, { kioskId: kioskId!, keys: body.keys }));
  });
  app.post("/register/events", async (c) => {
    const { kioskId, cooperativeId } = c.get("principal");
    // The hot path: a hand-written check; zod names what is wrong with a body it does not pass.
    const json = parseJson(c.get("body"));
    const body = isEventsPushBody(json) ? json : parse(eventsPushBodySchema, json);
    const answer = await applyEvents(deps, { kioskId: kioskId!, cooperativeId, events: body.events });
    if (!answer.problem) return c.json(answer);
    const { kind, kiosk, seq, expected, found } = answer.problem;
    const message =
      kind === "gap"
        ? `kiosk ${kiosk}: the hub holds events up to ${answer.head_seq}; send from ${answer.head_seq + 1}`
        : `kiosk ${kiosk}: chain break at event ${seq} (${kind}): expected ${expected}, found ${found}`;
    return c.json({ ...answer, error: { code: kind === "gap" ? "gap" : "chain_break", message } }, 409);
  });
  app.post("/deliveries", async (c) => {
    const { kioskId, cooperativeId } = c.get("principal");
    const body = parse(deliveriesPushBodySchema, parseJson(c.get("body")));
    return c.json(await applyDeliveries(deps, { kioskId: kioskId!, cooperativeId, changes: body.changes }));
  });
  return app;
}
