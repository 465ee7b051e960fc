/**
 * Middleware factory: refuses a client that a throttle has already told to wait, before its
 * request is read. The answer is the throttle's own 429 (code, Retry-After), built from a map
 * lookup: no body parsed, no query, no hash and no log line per refused request.
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayContext } from "../context.ts";
import { clientAddress } from "./clientAddress.ts";

export function refuseEarly(
  ctx: Pick<GatewayContext, "refusals" | "clock">,
  keysOf: (client: string) => string[],
  error: { code: string; message: string },
): MiddlewareHandler {
  return async (c, next) => {
    const wait = ctx.refusals.waitMs(keysOf(clientAddress(c)), ctx.clock.now().getTime());
    if (wait <= 0) return next();
    const retryAfterSeconds = Math.ceil(wait / 1000);
    c.header("Retry-After", String(retryAfterSeconds));
    return c.json({ error: { ...error, details: { retryAfterSeconds } } }, 429);
  };
}
