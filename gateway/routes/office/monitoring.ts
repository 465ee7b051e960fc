import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { kioskKeySet } from "../../receipts/kioskKey.ts";
import { outboxCounts } from "../../services/outboxCounts.ts";

/** The kiosk's public keys (the same set as `/.well-known/kiosk-keys.json`) and a health summary. */
export function monitoringRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>()
    .get("/kiosk-keys", (c) => c.json(kioskKeySet(ctx.db)))
    .get("/health", async (c) => {
      const report = await ctx.health.report();
      return c.json({
        ...report,
        kioskId: ctx.config.kioskId,
        time: ctx.clock.now().toISOString(),
        outbox: outboxCounts(ctx),
      });
    });
}
