/**
 * The listener split and the host allow-lists, over real sockets against the gateway process
 * (gateway/listeners.test.ts checks the same rules on the apps in process): what `npm start`
 * serves on the kiosk's port and on the office's port.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayProcess, startGatewayProcess } from "../kiosk-ui/e2e/harness.ts";

let gw: GatewayProcess;
beforeAll(async () => {
  gw = await startGatewayProcess();
}, 120_000);
afterAll(async () => {
  await gw?.dispose();
});

/** One HTTP/1.1 request written by hand, so the Host header is exactly what a rebinding page sends. */
function raw(
  url: string,
  path: string,
  host: string,
  method = "GET",
  body = "",
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    let text = "";
    socket.on("data", (d) => {
      text += d;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(text.split(" ")[1]), text }));
  });
}

const hostOf = (url: string) => new URL(url).host;

describe("the two listeners over real sockets", () => {
  it("serves the kiosk API on the kiosk's port and not on the office's", async () => {
    expect((await raw(gw.url, "/api/v1/kiosk/config", hostOf(gw.url))).status).toBe(200);
    expect((await raw(gw.officeUrl, "/api/v1/kiosk/config", hostOf(gw.officeUrl))).status).toBe(404);
    const identify = JSON.stringify({ flatCode: gw.flats[0].flatCode, surname: "x", ownerCode: "000000" });
    expect((await raw(gw.officeUrl, "/api/v1/kiosk/identify", hostOf(gw.officeUrl), "POST", identify)).status).toBe(
      404,
    );
  });

  it("serves the office API and the staff console on the office's port and not on the kiosk's", async () => {
    expect((await raw(gw.officeUrl, "/office/v1/openapi.json", hostOf(gw.officeUrl))).status).toBe(200);
    // The console's API answers (401 without a session); the page itself needs the built UI.
    expect((await raw(gw.officeUrl, "/office/api/me", hostOf(gw.officeUrl))).status).toBe(401);
    expect((await raw(gw.url, "/office/api/me", hostOf(gw.url))).status).toBe(404);
    expect((await raw(gw.url, "/office/v1/openapi.json", hostOf(gw.url))).status).toBe(404);
    expect((await raw(gw.url, "/office/", hostOf(gw.url))).status).toBe(404);
    const login = JSON.stringify({ username: "biuro", password: "x" });
    expect((await raw(gw.url, "/office/api/login", hostOf(gw.url), "POST", login)).status).toBe(404);
  });

  it("refuses Host: evil.example on both ports, whatever the path", async () => {
    for (const url of [gw.url, gw.officeUrl]) {
      for (const path of ["/api/v1/kiosk/config", "/office/v1/openapi.json", "/office/", "/", "/healthz"]) {
        const res = await raw(url, path, "evil.example");
        expect(res.status, `${url}${path}`).toBe(421);
        expect(res.text.toUpperCase()).toContain("HOST_NOT_ALLOWED"); // the office surface spells codes in lower case
      }
      expect((await raw(url, "/api/v1/kiosk/config", `evil.example:${new URL(url).port}`)).status).toBe(421);
    }
  });

  it("listens on loopback addresses only", () => {
    // /proc/net/tcp{,6}: local address and port in hex, state 0A = listening.
    const listening = ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((f) => f[3] === "0A")
        .map((f) => f[1].split(":")),
    );
    for (const url of [gw.url, gw.officeUrl]) {
      const port = Number(new URL(url).port);
      const addresses = listening.filter(([, p]) => Number.parseInt(p, 16) === port).map(([a]) => a);
      expect(addresses, url).toEqual(["0100007F"]); // 127.0.0.1, nothing else
    }
  });
});
