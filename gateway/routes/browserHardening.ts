/**
 * Hono's secure-headers for everything a browser may load from either listener: the kiosk UI and
 * the staff console run only their own bundled scripts, cannot be framed, and send no referrer.
 * No inline scripts exist (Vite bundles everything); inline styles stay allowed for the
 * components' style attributes and the small server-made pages.
 */
import type { Context, MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import { hostName } from "./allowedHosts.ts";

export function browserHardening(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    xContentTypeOptions: "nosniff",
    // Loopback and LAN listeners speak plain HTTP; TLS (and HSTS) belong to the reverse proxy.
    strictTransportSecurity: false,
  });
}

/**
 * Hono's csrf middleware for the staff console's API: a request that changes something must come
 * from a page of this listener (Sec-Fetch-Site: same-origin, or an Origin whose host is the
 * Host this request was sent to), so a form on another site never reaches the console.
 */
export function consoleCsrf(): MiddlewareHandler {
  const guard = csrf({
    origin: (origin, c: Context) => {
      try {
        return hostName(new URL(origin).host) === hostName(c.req.header("host") ?? new URL(c.req.url).host);
      } catch {
        return false;
      }
    },
  });
  return async (c, next) => {
    // CSRF needs a browser, and a browser names the origin of every cross-site POST; a client
    // that sends neither header (the CLI, curl) is not one, and still needs the session + token.
    if (!c.req.header("origin") && !c.req.header("sec-fetch-site")) return next();
    try {
      return await guard(c, next);
    } catch (err) {
      if ((err as { status?: number }).status === 403)
        return c.json({ error: { code: "CSRF", message: "cross-site request refused" } }, 403);
      throw err;
    }
  };
}
