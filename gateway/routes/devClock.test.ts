import { afterEach, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

describe("/dev/clock", () => {
  it("moves the demo gateway's clock forward past the 14-day grace period", async () => {
    gw = await startTestGateway({}, { demo: true, now: "2026-03-02T10:00:00Z" });
    const moved = await gw.json("POST", "/dev/clock", { days: 15 });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ now: "2026-03-17T10:00:00.000Z", offsetSeconds: 15 * 86_400 });
    expect(gw.ctx.clock.now().toISOString()).toBe("2026-03-17T10:00:00.000Z");
    expect((await gw.json("POST", "/dev/clock", { minutes: 6 })).body.now).toBe("2026-03-17T10:06:00.000Z");
    const page = await (await gw.app.request("/dev/clock")).text();
    expect(page).toContain("+15 dni");
    expect(page).not.toMatch(/<script>/); // the CSP allows only the gateway's own script files
    expect((await gw.app.request("/dev/clock.js")).status).toBe(200);
  });

  it("refuses a clock that would go backwards or not move", async () => {
    gw = await startTestGateway({}, { demo: true });
    expect((await gw.json("POST", "/dev/clock", { days: -1 })).status).toBe(400);
    expect((await gw.json("POST", "/dev/clock", {})).status).toBe(400);
    expect((await gw.json("POST", "/dev/clock", { weeks: 2 })).status).toBe(400);
  });

  it("does not exist in production, nor do the other /dev pages", async () => {
    gw = await startTestGateway({}, { demo: false });
    const before = gw.ctx.clock.now().toISOString();
    expect((await gw.json("POST", "/dev/clock", { days: 15 })).status).toBe(404);
    for (const path of ["/dev/clock.json", "/dev/sms.json", "/dev/mail.json", "/dev/printer.json"]) {
      expect((await gw.json("GET", path)).status, path).toBe(404);
    }
    expect(gw.ctx.clock.now().toISOString()).toBe(before);
    expect(gw.ctx.demoClock).toBeNull();
  });
});
