/**
 * Middleware factory for the staff console API: a session cookie (HttpOnly, Secure,
 * SameSite=Strict) and, for every request that changes something, the session's CSRF token in
 * the `X-CSRF-Token` header.
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { GatewayContext } from "../context.ts";
import { staffSessionOf } from "../services/staffLogin.ts";

export const STAFF_COOKIE = "ekor_staff";

export type StaffEnv = {
  Variables: {
    staff: { id: number; username: string; displayName: string; csrfToken: string; token: string };
  };
};

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function staffAuth(ctx: Pick<GatewayContext, "db" | "clock" | "config">): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const token = getCookie(c, STAFF_COOKIE);
    const session = staffSessionOf(ctx, token);
    if (!session || !token) return c.json({ error: { code: "UNAUTHORIZED", message: "zaloguj się" } }, 401);
    if (!SAFE.has(c.req.method) && c.req.header("x-csrf-token") !== session.csrfToken) {
      return c.json({ error: { code: "CSRF", message: "missing or wrong X-CSRF-Token" } }, 403);
    }
    c.set("staff", {
      id: session.id,
      username: session.username,
      displayName: session.displayName,
      csrfToken: session.csrfToken,
      token,
    });
    await next();
  };
}

/** A browser sends Origin on POST; one from another site is refused even before the password check. */
export function sameOrigin(requestUrl: string, origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === (host ?? new URL(requestUrl).host);
  } catch {
    return false;
  }
}
