/**
 * Middleware factory for `/office/v1/*`: verifies the HMAC signature, the time window and the
 * nonce, and answers 401 with an error code (and the server time on a skew) otherwise.
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayContext } from "../context.ts";
import { keyLookup, pruneNonces, rememberNonce } from "./keyStore.ts";
import { verifyRequest } from "./signing.ts";

export type OfficeAuthEnv = { Variables: { officeClient: string; officeKey: string } };

const PRUNE_EVERY_MS = 60_000;

export function officeAuth(
  ctx: Pick<GatewayContext, "db" | "clock" | "config" | "logger">,
): MiddlewareHandler<OfficeAuthEnv> {
  const lookup = keyLookup(ctx.db);
  const window = ctx.config.office.timestampWindowSeconds;
  let lastPrune = 0;
  return async (c, next) => {
    const now = ctx.clock.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const url = new URL(c.req.url);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const verdict = verifyRequest(
      { method: c.req.method, pathWithQuery: url.pathname + url.search, headers: (n) => c.req.header(n), body },
      lookup,
      nowSeconds,
      window,
    );
    const refuse = (code: string, message: string, extra: Record<string, unknown> = {}) => {
      ctx.logger.warn({ code, path: url.pathname, key: c.req.header("x-office-key") }, "office request refused");
      return c.json({ error: { code, message, ...extra }, server_time: nowSeconds }, 401);
    };
    if (!verdict.ok) {
      return refuse(verdict.code, verdict.message, {
        ...(verdict.header ? { header: verdict.header } : {}),
        ...(verdict.code === "timestamp_skew" ? { server_time: nowSeconds, window_seconds: window } : {}),
      });
    }
    if (now.getTime() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now.getTime();
      pruneNonces(ctx.db, new Date(now.getTime() - 2 * window * 1000).toISOString());
    }
    if (!rememberNonce(ctx.db, verdict.keyId, verdict.nonce, now.toISOString())) {
      return refuse("replayed", "this nonce was already used");
    }
    c.set("officeClient", verdict.clientId);
    c.set("officeKey", verdict.keyId);
    await next();
  };
}
