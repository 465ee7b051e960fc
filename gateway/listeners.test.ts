/**
 * Two listeners: the kiosk's (kiosk API and UI, loopback only) and the office's (office API and
 * staff console). Each answers only its configured host names, so a DNS-rebinding page or a
 * reverse proxy in front of the console can never reach the kiosk API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, validateConfig } from "./config.ts";
import { startTestGateway, type TestGateway } from "./testing/harness.ts";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ office: { allowedHosts: ["localhost", "kiosk-radom.example"] } });
});
afterAll(async () => {
  await gw?.dispose();
});

const kiosk = (path: string, host = "127.0.0.1:8080", init: RequestInit = {}) =>
  gw.app.request(path, { ...init, headers: { host, ...(init.headers as Record<string, string>) } });
const office = (path: string, host = "localhost:8081", init: RequestInit = {}) =>
  gw.officeApp.request(path, { ...init, headers: { host, ...(init.headers as Record<string, string>) } });

describe("host names", () => {
  it("refuses a kiosk request whose Host is not a configured name (DNS rebinding)", async () => {
    const res = await kiosk("/api/v1/kiosk/config", "evil.example");
    expect(res.status).toBe(421);
    expect((await res.json()).error.code).toBe("HOST_NOT_ALLOWED");
    expect((await kiosk("/", "evil.example:8080")).status).toBe(421);
    expect((await kiosk("/healthz", "evil.example")).status).toBe(421);
  });

  it("answers the kiosk on its loopback names", async () => {
    for (const host of ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "localhost"]) {
      expect((await kiosk("/api/v1/kiosk/config", host)).status, host).toBe(200);
    }
  });

  it("refuses an office request whose Host is not one of office.allowedHosts", async () => {
    expect((await office("/office/v1/openapi.json", "evil.example")).status).toBe(421);
    expect((await office("/office/", "127.0.0.1.nip.io")).status).toBe(421);
    expect((await office("/office/v1/openapi.json", "kiosk-radom.example")).status).toBe(200);
  });
});

describe("route groups per listener", () => {
  it("does not serve the kiosk API or the kiosk UI on the office listener", async () => {
    expect((await office("/api/v1/kiosk/config", "kiosk-radom.example")).status).toBe(404);
    const identify = await office("/api/v1/kiosk/identify", "kiosk-radom.example", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(identify.status).toBe(404);
    const page = await office("/", "kiosk-radom.example");
    expect(page.status).toBe(404);
    expect(await page.text()).not.toContain("<!doctype html");
  });

  it("does not serve the office API or the staff console on the kiosk listener", async () => {
    expect((await kiosk("/office/v1/openapi.json")).status).toBe(404);
    expect((await kiosk("/office/v1/register/events")).status).toBe(404);
    expect((await kiosk("/office/")).status).toBe(404);
    const login = await kiosk("/office/api/login", undefined, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "biuro", password: "x" }),
    });
    expect(login.status).toBe(404);
  });

  it("serves health and the public slip keys on both", async () => {
    expect((await kiosk("/healthz")).status).toBe(200);
    expect((await office("/healthz")).status).toBe(200);
    expect((await kiosk("/.well-known/kiosk-keys.json")).status).toBe(200);
    expect((await office("/.well-known/kiosk-keys.json")).status).toBe(200);
  });
});

describe("configuration", () => {
  it("refuses a kiosk listener on a non-loopback address, naming the key", () => {
    expect(() => validateConfig({ server: { host: "0.0.0.0" } })).toThrow(ConfigError);
    expect(() => validateConfig({ server: { host: "192.168.1.20" } })).toThrow(/server\.host/);
    expect(validateConfig({ server: { host: "::1" } }).server.host).toBe("::1");
  });

  it("has loopback defaults for both listeners", () => {
    const config = validateConfig({});
    expect(config.server.allowedHosts).toEqual(["127.0.0.1", "localhost", "[::1]"]);
    expect(config.office.listen).toEqual({ host: "127.0.0.1", port: 8081 });
    expect(validateConfig({ server: { port: 0 } }).office.listen.port).toBe(0);
    expect(config.office.allowedHosts).toEqual(["127.0.0.1", "localhost", "[::1]"]);
  });
});
