/**
 * Browser-facing hardening on both listeners: a Content-Security-Policy for the kiosk UI and the
 * staff console (own scripts only, no framing), nosniff, no referrer; and Hono's csrf
 * middleware in front of the console's API, so a cross-site form never reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./testing/harness.ts";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.dispose();
});

function expectHardened(res: Response) {
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
}

describe("security headers", () => {
  it("protects the kiosk UI page and the kiosk API's answers", async () => {
    expectHardened(await gw.app.request("/"));
    expectHardened(await gw.app.request("/api/v1/kiosk/config"));
    expectHardened(await gw.app.request("/healthz"));
  });

  it("protects the staff console page and the office listener's answers", async () => {
    expectHardened(await gw.officeApp.request("/office/"));
    expectHardened(await gw.officeApp.request("/office/api/me"));
    expectHardened(await gw.officeApp.request("/office/v1/openapi.json"));
  });
});

describe("cross-site requests to the staff console", () => {
  it("refuses a cross-site form post before it reaches the console's API", async () => {
    const res = await gw.officeApp.request("/office/api/logout", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
      },
      body: "x=1",
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("CSRF");
  });

  it("lets a same-origin request through to the login check", async () => {
    const res = await gw.officeApp.request("http://localhost/office/api/login", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost", "sec-fetch-site": "same-origin" },
      body: JSON.stringify({ username: "nobody", password: "wrong-password" }),
    });
    expect(res.status).toBe(401);
  });
});
