import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { DeliveriesQuery } from "../../office/contract/deliveries.ts";
import { listDeliveries } from "../../services/listDeliveries.ts";
import { officeValidate } from "./validate.ts";

/** `GET /deliveries?after=`: delivery status changes by cursor. */
export function deliveriesRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>().get("/", officeValidate("query", DeliveriesQuery), (c) =>
    c.json(listDeliveries(ctx, c.req.valid("query"))),
  );
}
