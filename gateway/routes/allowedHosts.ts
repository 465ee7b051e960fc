/**
 * Middleware factory: answers only requests whose Host header names this listener. A browser
 * on the lobby LAN (or the technician's, through an SSH tunnel) that loads a page whose name
 * was rebound to our address sends that page's name as Host, and gets 421 instead of the API.
 */
import type { MiddlewareHandler } from "hono";
import { errorCodeFor } from "../office/contract/errors.ts";

/** `kiosk.example:8080` → `kiosk.example`, `[::1]:8080` → `[::1]`, lower case. */
export function hostName(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

export function allowedHostsOnly(allowed: string[]): MiddlewareHandler {
  const names = new Set(allowed.map((name) => name.toLowerCase()));
  return async (c, next) => {
    const header = c.req.header("host") ?? new URL(c.req.url).host;
    if (!names.has(hostName(header))) {
      return c.json(
        {
          error: {
            code: errorCodeFor(c.req.path, "HOST_NOT_ALLOWED"),
            message: "this server does not answer that host name",
          },
        },
        421,
      );
    }
    await next();
  };
}
