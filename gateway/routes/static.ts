/** Serves the built kiosk UI; unknown paths under it fall back to index.html (client routing). */
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import type { MiddlewareHandler } from "hono";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".ico": "image/x-icon",
};

async function fileIfExists(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

const PREPARING = `<!doctype html><html lang="pl"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>e-Korespondencja</title><style>body{font:28px system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0;background:#fff;color:#111}</style>
</head><body><p>Kiosk się uruchamia… / The kiosk is starting…</p></body></html>`;

/** Paths that belong to the API: an unknown one there is a JSON 404, never the UI's index.html. */
const API_PREFIXES = ["/api/", "/office", "/.well-known/", "/healthz"];

export function serveUi(root: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    if (API_PREFIXES.some((prefix) => c.req.path.startsWith(prefix))) return next();
    const path = normalize(decodeURIComponent(new URL(c.req.url).pathname)).replace(/^(\.\.[/\\])+/, "");
    const candidate = join(root, path);
    if (!candidate.startsWith(root)) return next();
    const body = (await fileIfExists(candidate)) ?? (await fileIfExists(join(candidate, "index.html")));
    const file = body ? (extname(candidate) ? candidate : join(candidate, "index.html")) : join(root, "index.html");
    const content = body ?? (extname(path) ? null : await fileIfExists(join(root, "index.html")));
    if (!content && !extname(path)) {
      // `npm start` builds the UI in the background on a fresh clone; say so instead of a 404.
      return c.html(PREPARING, 503, { "retry-after": "3", "cache-control": "no-store" });
    }
    if (!content) return next();
    const immutable = path.startsWith("/assets/");
    return c.body(new Uint8Array(content), 200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-store",
    });
  };
}
