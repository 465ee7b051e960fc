import { Hono } from "hono";
import * as z from "zod";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { listRegisterEvents } from "../../services/listRegisterEvents.ts";
import { registerAsOf } from "../../services/registerAsOf.ts";
import { validate } from "../validate.ts";

export const MAX_EVENTS_PAGE = 10_000;

const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(1000),
});

const stateQuery = z.object({
  as_of: z.string().max(40).optional(),
  flat: z.string().max(40).optional(),
});

/** `GET /register/events` (chain, by cursor) and `GET /register` (state per flat at a moment). */
export function registerRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>()
    .get("/events", validate("query", eventsQuery), (c) => {
      const page = listRegisterEvents(ctx, c.req.valid("query"));
      return c.body(page.json, 200, { "content-type": "application/json; charset=utf-8" });
    })
    .get("/", validate("query", stateQuery), (c) => {
      const { as_of, flat } = c.req.valid("query");
      const result = registerAsOf(ctx, { asOf: as_of, flat });
      return c.json({
        as_of: result.as_of,
        head_seq: ctx.register.status.ok ? ctx.register.status.headSeq : null,
        flats: result.flats,
      });
    });
}
