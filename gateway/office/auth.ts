/**
 * Middleware factory for `/office/v1/*`: verifies the HMAC signature, the time window and the
 * nonce, and answers 401 with an error code (and the server time on a skew) otherwise.
 * Headers, key and time window are checked before the body is read, so an unsigned or stale
 * request is refused without reading it; the body is then read up to `office.maxBodyBytes`,
 * hashed as it streams, and only a body whose signature matches reaches the routes.
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayContext } from "../context.ts";
import { readCapped, tooLarge } from "../routes/bodyCap.ts";
import { keyLookup, pruneNonces, rememberNonce } from "./keyStore.ts";
import { verifyHead } from "./signing.ts";

export type OfficeAuthEnv = { Variables: { officeClient: string; officeKey: string } };

const PRUNE_EVERY_MS = 60_000;

export function officeAuth(
  ctx: Pick<GatewayContext, "db" | "clock" | "config" | "logger">,
): MiddlewareHandler<OfficeAuthEnv> {
  const lookup = keyLookup(ctx.db);
  const window = ctx.config.office.timestampWindowSeconds;
  const maxBody = ctx.config.office.maxBodyBytes;
  let lastPrune = 0;
  return async (c, next) => {
    const now = ctx.clock.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const url = new URL(c.req.url);
    const refuse = (code: string, message: string, extra: Record<string, unknown> = {}) => {
      ctx.logger.warn({ code, path: url.pathname, key: c.req.header("x-office-key") }, "office request refused");
      return c.json({ error: { code, message, ...extra }, server_time: nowSeconds }, 401);
    };
    const refusal = (verdict: { code: string; message: string; header?: string }) =>
      refuse(verdict.code, verdict.message, {
        ...(verdict.header ? { header: verdict.header } : {}),
        ...(verdict.code === "timestamp_skew" ? { server_time: nowSeconds, window_seconds: window } : {}),
      });
    const head = verifyHead(
      { method: c.req.method, pathWithQuery: url.pathname + url.search, headers: (n) => c.req.header(n) },
      lookup,
      nowSeconds,
      window,
    );
    if (!head.ok) return refusal(head);
    const body = await readCapped(c.req.raw, maxBody);
    if (!body.ok) return tooLarge(c, maxBody, "payload_too_large");
    const verdict = head.check(body.sha256);
    if (!verdict.ok) return refusal(verdict);
    // The routes read the verified bytes, never the stream again.
    if (body.bytes.byteLength > 0) c.req.raw = new Request(c.req.raw, { body: body.bytes });
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
