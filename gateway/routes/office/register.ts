import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { EventsQuery, RegisterQuery } from "../../office/contract/register.ts";
import { listRegisterEvents } from "../../services/listRegisterEvents.ts";
import { registerAsOf } from "../../services/registerAsOf.ts";
import { officeValidate } from "./validate.ts";

/** `GET /register/events` (chain, by cursor) and `GET /register` (state per flat at a moment). */
export function registerRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>()
    .get("/events", officeValidate("query", EventsQuery), (c) => {
      const page = listRegisterEvents(ctx, c.req.valid("query"));
      return c.body(page.json, 200, { "content-type": "application/json; charset=utf-8" });
    })
    .get("/", officeValidate("query", RegisterQuery), (c) => {
      const { as_of, flat } = c.req.valid("query");
      const result = registerAsOf(ctx, { asOf: as_of, flat });
      return c.json({
        as_of: result.as_of,
        head_seq: ctx.register.status.ok ? ctx.register.status.headSeq : null,
        flats: result.flats,
      });
    });
}
