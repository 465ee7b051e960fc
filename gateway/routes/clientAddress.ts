/**
 * The caller's address for per-client limits: the Bun server hands it to `fetch` as its second
 * argument (hono's `c.env`). Proxy headers are not trusted. "local" when unknown (in-process).
 */
import type { Context } from "hono";

type Peer = { requestIP?: (request: Request) => { address: string } | null };

export function clientAddress(c: Context): string {
  const env = c.env as (Peer & { server?: Peer }) | undefined;
  const server = env && typeof env === "object" && "server" in env ? env.server : env;
  try {
    return server?.requestIP?.(c.req.raw)?.address ?? "local";
  } catch {
    return "local";
  }
}
