import { Hono } from "hono";
import type { GatewayContext } from "../context.ts";
import { publicHealth } from "../health.ts";

export function healthRoutes(ctx: GatewayContext) {
  return new Hono().get("/healthz", async (c) => {
    const report = publicHealth(await ctx.health.report());
    return c.json(
      { ...report, kioskId: ctx.config.kioskId, time: ctx.clock.now().toISOString() },
      report.status === "down" ? 503 : 200,
    );
  });
}
