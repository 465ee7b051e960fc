import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { demoOwnersRegister } from "./demo/ownersRegister.ts";
import { addStaffUser } from "./services/addStaffUser.ts";
import { startTestGateway, type TestGateway } from "./testing/harness.ts";

const demo = demoOwnersRegister();
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

const peer = (address: string) => ({ requestIP: () => ({ address, family: "IPv4", port: 40000 }) });

async function staffLogin(g: TestGateway, username: string, from: string) {
  return await g.officeApp.request(
    "http://localhost/office/api/login",
    {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost" },
      body: JSON.stringify({ username, password: "zle-haslo-123" }),
    },
    peer(from),
  );
}

async function identify(g: TestGateway, flat: (typeof demo.codes)[number]) {
  return await g.app.request(
    "/api/v1/kiosk/identify",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ flatCode: flat.flatCode, surname: flat.surnames[0], ownerCode: flat.code }),
    },
    peer("127.0.0.1"),
  );
}

/** The nice value of every thread of this process (field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues(): number[] {
  return readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

describe("hashing under a flood of sign-in attempts", () => {
  it("serves a resident's identification before the staff logins queued ahead of it", async () => {
    gw = await startTestGateway({ hashing: { concurrency: 1, maxQueued: 30, nice: 0 } });
    const g = gw;
    addStaffUser(g.ctx, { username: "kasia", password: "Tajne-Hasło-2026" });
    const order: string[] = [];
    const logins = Array.from({ length: 10 }, (_, i) =>
      staffLogin(g, "kasia", `10.20.0.${i}`).then((r) => order.push(`login ${r.status}`)),
    );
    await new Promise((r) => setTimeout(r, 20)); // the logins are queued first
    const resident = identify(g, demo.codes[0]).then((r) => order.push(`identify ${r.status}`));
    await Promise.all([...logins, resident]);
    expect(order.filter((o) => o.startsWith("login")).every((o) => o === "login 401")).toBe(true);
    // One login was already being hashed; the resident's check comes next, before the queue.
    expect(order.indexOf("identify 200")).toBeLessThanOrEqual(2);
  });

  it("hashes on its own threads at the configured lower priority", async () => {
    const before = threadNiceValues().filter((n) => n === 7).length;
    gw = await startTestGateway({ hashing: { concurrency: 2, maxQueued: 4, nice: 7 } });
    expect((await identify(gw, demo.codes[1])).status).toBe(200);
    // The pool may start one or both of its threads for the first hash; each runs at nice 7.
    const running = threadNiceValues().filter((n) => n === 7).length - before;
    expect(running).toBeGreaterThanOrEqual(1);
    expect(running).toBeLessThanOrEqual(2);
    await gw.dispose();
    gw = undefined;
    // Stopping the gateway ends its hashing threads (a thread exits a moment after it is told to).
    const deadline = Date.now() + 5_000;
    while (threadNiceValues().filter((n) => n === 7).length !== before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(threadNiceValues().filter((n) => n === 7).length).toBe(before);
  });

  it("tells a client refused for a full queue when to come back (Retry-After)", async () => {
    gw = await startTestGateway({ hashing: { concurrency: 1, maxQueued: 1, nice: 0 } });
    const g = gw;
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => staffLogin(g, "nikt", `10.21.0.${i}`)));
    const busy = answers.filter((r) => r.status === 503);
    expect(busy.length).toBe(4);
    expect(busy[0].headers.get("retry-after")).toBe("1");
    expect(((await busy[0].json()) as { error: { code: string } }).error.code).toBe("BUSY");
  });
});
