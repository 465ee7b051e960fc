/**
 * `/office/v1`: every route behind the HMAC signature, except the OpenAPI document, which is
 * generated from the contract's zod schemas (gateway/office/contract). The body cap
 * (office.maxBodyBytes) is applied by officeAuth, after the headers were checked.
 */
import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import { type OfficeAuthEnv, officeAuth } from "../../office/auth.ts";
import { officeApiDocument } from "../../office/contract/index.ts";
import { correspondenceRoutes } from "./correspondence.ts";
import { decisionsRoutes } from "./decisions.ts";
import { deliveriesRoutes } from "./deliveries.ts";
import { messagesRoutes } from "./messages.ts";
import { monitoringRoutes } from "./monitoring.ts";
import { ownersRoutes } from "./owners.ts";
import { paperRoutes } from "./paper.ts";
import { registerRoutes } from "./register.ts";

export function officeRoutes(ctx: GatewayContext) {
  const app = new Hono<OfficeAuthEnv>();
  const document = officeApiDocument(ctx.config);
  app.get("/openapi.json", (c) => c.json(document));
  app.use("*", officeAuth(ctx));
  app.route("/owners", ownersRoutes(ctx));
  app.route("/register/decisions", decisionsRoutes(ctx));
  app.route("/register", registerRoutes(ctx));
  app.route("/correspondence", correspondenceRoutes(ctx));
  app.route("/deliveries", deliveriesRoutes(ctx));
  app.route("/paper", paperRoutes(ctx));
  app.route("/messages", messagesRoutes(ctx));
  app.route("/", monitoringRoutes(ctx));
  return app;
}
