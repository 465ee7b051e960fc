import { Hono } from "hono";
import * as z from "zod";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { listDeliveries } from "../../services/listDeliveries.ts";
import { validate } from "../validate.ts";

const query = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** `GET /deliveries?after=`: delivery status changes by cursor. */
export function deliveriesRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>().get("/", validate("query", query), (c) =>
    c.json(listDeliveries(ctx, c.req.valid("query"))),
  );
}
