/**
 * Request bodies are capped before they are read: the announced Content-Length is checked
 * first, and a body without one (chunked) is counted while it streams and cut at the cap.
 */
import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export function tooLarge(c: Context, maxBytes: number, code = "PAYLOAD_TOO_LARGE") {
  return c.json({ error: { code, message: `request body over ${maxBytes} bytes` } }, 413);
}

/** For routes with small JSON bodies (kiosk, staff console, dev pages). */
export function bodyCap(maxBytes: number): MiddlewareHandler {
  return bodyLimit({ maxSize: maxBytes, onError: (c) => tooLarge(c, maxBytes) });
}

export type CappedBody = { ok: true; bytes: Uint8Array<ArrayBuffer>; sha256: string } | { ok: false };

/**
 * Reads a body of at most `maxBytes`, hashing it as it streams (the office signature covers
 * its SHA-256). Stops reading, and cancels the stream, as soon as the cap is passed.
 */
export async function readCapped(request: Request, maxBytes: number): Promise<CappedBody> {
  const announced = request.headers.get("content-length");
  if (announced !== null && Number(announced) > maxBytes) return { ok: false };
  const hash = createHash("sha256");
  if (!request.body) return { ok: true, bytes: new Uint8Array(0), sha256: hash.digest("hex") };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false };
    }
    hash.update(value);
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes, sha256: hash.digest("hex") };
}
