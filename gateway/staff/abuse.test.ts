import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addStaffUser } from "../services/addStaffUser.ts";
import { resetStaffPassword } from "../services/resetStaffPassword.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

const PASSWORD = "Tajne-Hasło-2026";
let gw: TestGateway;

/** A request as if it came from `address` (the Bun server hands the route the peer's address). */
function clientEnv(address: string) {
  return { requestIP: () => ({ address, family: "IPv4", port: 40000 }) };
}

async function login(username: string, password: string, from = "10.0.0.1") {
  const res = await gw.officeApp.request(
    "http://localhost/office/api/login",
    {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost" },
      body: JSON.stringify({ username, password }),
    },
    clientEnv(from),
  );
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
  const body = (await res.json()) as any;
  return { status: res.status, body, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] };
}

async function me(cookie: string) {
  return (await gw.officeApp.request("http://localhost/office/api/me", { headers: { cookie } }, clientEnv("10.0.0.1")))
    .status;
}

beforeAll(async () => {
  gw = await startTestGateway({ hashing: { concurrency: 1, maxQueued: 3 } }, { demo: false });
  addStaffUser(gw.ctx, { username: "kasia", password: PASSWORD });
  addStaffUser(gw.ctx, { username: "marek", password: PASSWORD });
});
afterAll(() => gw.dispose());

describe("staff login under abuse", () => {
  it("checks passwords off the event loop: a timer runs while a flood of logins is being hashed", async () => {
    let answered = 0;
    const flood = Array.from({ length: 3 }, (_, i) =>
      login("kasia", `zle-haslo-${i}`, `10.9.0.${i}`).finally(() => answered++),
    );
    const answeredWhenTimerRan = await new Promise<number>((resolve) => setTimeout(() => resolve(answered), 0));
    await Promise.all(flood);
    expect(answeredWhenTimerRan).toBe(0);
  });

  it("answers 503 BUSY at once when the hashing queue is full, instead of queueing without bound", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login("kasia", `zle-haslo-${i}`, `10.8.0.${i}`)),
    );
    const busy = results.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0].body.error.code).toBe("BUSY");
    expect(results.filter((r) => r.status === 401).length).toBeGreaterThan(0);
  });

  it("gives the same answer for an unknown user and a wrong password", async () => {
    const unknown = await login("nikt-taki", "zle-haslo-123", "10.7.0.1");
    const wrong = await login("kasia", "zle-haslo-123", "10.7.0.2");
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it("does not let wrong passwords from another device lock the real user out", async () => {
    for (let i = 0; i < 12; i++) await login("marek", "zle-haslo-123", "10.6.6.6");
    expect((await login("marek", PASSWORD, "10.6.6.6")).status).toBe(429);
    expect((await login("marek", PASSWORD, "10.0.0.1")).status).toBe(200);
  });

  it("refuses a parallel burst of wrong passwords beyond the free ones before hashing them", async () => {
    const burstGw = await startTestGateway(
      { hashing: { concurrency: 1, maxQueued: 30, nice: 0 }, staff: { maxFailedLogins: 2 } },
      { demo: false },
    );
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          burstGw.officeApp.request(
            "http://localhost/office/api/login",
            {
              method: "POST",
              headers: { "content-type": "application/json", origin: "http://localhost" },
              body: JSON.stringify({ username: "kasia", password: "zle-haslo-123" }),
            },
            clientEnv("10.4.4.4"),
          ),
        ),
      );
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(2);
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
      expect(answers.find((r) => r.status === 429)?.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      await burstGw.dispose();
    }
  });

  it("delays one device longer after each further failure, for every user it tries", async () => {
    const attacker = "10.5.5.5";
    const retries: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await login("kasia", "zle-haslo-123", attacker);
      if (r.status === 429) {
        retries.push(r.body.error.details.retryAfterSeconds);
        gw.clock.advance(r.body.error.details.retryAfterSeconds * 1000);
      }
    }
    expect(retries.length).toBeGreaterThan(1);
    for (let i = 1; i < retries.length; i++) expect(retries[i]).toBeGreaterThan(retries[i - 1]);
    // Spraying other names from the same device does not start afresh.
    let sprayed = 0;
    for (let i = 0; i < 30; i++) if ((await login(`user${i}`, "zle-haslo-123", "10.5.5.6")).status === 429) sprayed++;
    expect(sprayed).toBeGreaterThan(0);
  });

  it("refuses a device that must wait before reading its request", async () => {
    const device = "10.3.3.3";
    for (let i = 0; i < gw.config.staff.clientMaxFailures; i++) await login(`ktos${i}`, "zle-haslo-123", device);
    const unreadable = await gw.officeApp.request(
      "http://localhost/office/api/login",
      {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost" },
        body: "{not json",
      },
      clientEnv(device),
    );
    expect(unreadable.status).toBe(429);
    expect(unreadable.headers.get("retry-after")).toBe(String(gw.config.staff.firstDelaySeconds));
    expect(((await unreadable.json()) as { error: { code: string } }).error.code).toBe("TOO_MANY_ATTEMPTS");
  });

  it("ends sessions after idle time and after the absolute lifetime, even when used", async () => {
    const idle = await login("kasia", PASSWORD);
    expect(await me(idle.cookie)).toBe(200);
    gw.clock.advance((gw.config.staff.idleMinutes + 1) * 60_000);
    expect(await me(idle.cookie)).toBe(401);

    const busy = await login("kasia", PASSWORD);
    const steps = Math.ceil((gw.config.staff.sessionHours * 60) / (gw.config.staff.idleMinutes / 2)) + 1;
    let lastOk = 0;
    for (let i = 0; i < steps; i++) {
      if ((await me(busy.cookie)) === 200) lastOk = i;
      gw.clock.advance((gw.config.staff.idleMinutes / 2) * 60_000);
    }
    expect(lastOk).toBeGreaterThan(0);
    expect(await me(busy.cookie)).toBe(401);
  });

  it("revokes a user's sessions when the password is reset", async () => {
    const session = await login("kasia", PASSWORD);
    expect(await me(session.cookie)).toBe(200);
    resetStaffPassword(gw.ctx, { username: "kasia", password: "Nowe-Hasło-2027" });
    expect(await me(session.cookie)).toBe(401);
    expect((await login("kasia", "Nowe-Hasło-2027")).status).toBe(200);
  });
});
