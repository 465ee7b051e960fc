/**
 * Big bodies are refused before they are read: a size announced in Content-Length is checked
 * first, a chunked body is cut while it streams, and an unsigned office request is refused
 * from its headers alone. Real HTTP through Bun's server; the client counts what it managed
 * to send before the answer came.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOfficeKey } from "./services/addOfficeKey.ts";
import { startTestGateway, type TestGateway } from "./testing/harness.ts";
import { type Served, serve } from "./testing/office.ts";

const MB = 1024 * 1024;
let gw: TestGateway;
let kiosk: Served;
let office: Served;

beforeAll(async () => {
  gw = await startTestGateway();
  kiosk = serve(gw.app.fetch);
  office = serve(gw.officeApp.fetch);
});
afterAll(async () => {
  await kiosk?.stop();
  await office?.stop();
  await gw?.dispose();
});

/**
 * Sends `total` bytes of JSON-ish filler in 256 KiB writes, stopping as soon as the server
 * answers; resolves with the status and how many bytes had been handed to the socket.
 */
function push(
  path: string,
  options: { total: number; chunked?: boolean; method?: string; headers?: Record<string, string> },
): Promise<{ status: number; sent: number; body: string }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    let answered = false;
    const server = path.startsWith("/office") ? office : kiosk;
    const req = request(`${server.url}${path}`, {
      method: options.method ?? "POST",
      headers: {
        "content-type": "application/json",
        host: `127.0.0.1:${server.port}`,
        ...(options.chunked ? {} : { "content-length": String(options.total) }),
        ...options.headers,
      },
    });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, sent, body });
        req.destroy();
      });
    });
    req.on("error", (err) => {
      // The server may close the socket after answering; an error before any answer is real.
      if (!answered) reject(err);
    });
    const pump = () => {
      while (!answered && sent < options.total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("request body caps", () => {
  it("answers 413 to a kiosk request announcing 60 MB without reading it", async () => {
    const res = await push("/api/v1/contacts/check", { total: 60 * MB });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(res.sent).toBeLessThan(16 * MB);
  });

  it("cuts a chunked kiosk request without Content-Length at the cap", async () => {
    const res = await push("/api/v1/contacts/check", { total: 60 * MB, chunked: true });
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(16 * MB);
  });

  it("answers 413 to a staff login announcing 60 MB without reading it", async () => {
    const res = await push("/office/api/login", { total: 60 * MB });
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(16 * MB);
  });

  it("refuses an unsigned 60 MB office request from its headers, before reading the body", async () => {
    const res = await push("/office/v1/owners", { total: 60 * MB, method: "PUT" });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe("missing_header");
    expect(res.sent).toBeLessThan(16 * MB);
  });

  it("refuses a chunked unsigned office request from its headers too", async () => {
    const res = await push("/office/v1/owners", { total: 60 * MB, method: "PUT", chunked: true });
    expect(res.status).toBe(401);
    expect(res.sent).toBeLessThan(16 * MB);
  });

  it("cuts a chunked office request with a known key and a fresh timestamp at office.maxBodyBytes", async () => {
    const key = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-big" });
    const headers = {
      "x-office-key": key.keyId,
      "x-office-timestamp": String(Math.floor(gw.clock.now().getTime() / 1000)),
      "x-office-nonce": "n".repeat(32),
      "x-office-signature": "0".repeat(64),
    };
    const res = await push("/office/v1/owners", { total: 100 * MB, method: "PUT", chunked: true, headers });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe("payload_too_large");
    // office.maxBodyBytes (64 MiB) plus what the sockets buffer, never the whole 100 MB
    expect(res.sent).toBeLessThan(80 * MB);
  });
});
