import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { type OpenedDb, openDb } from "../../db/client.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { enrolDirect, type Served, serve } from "../testing/office.ts";
import { OfficePush } from "./push.ts";
import { createOfficeReceiver } from "./receiver.ts";

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("push sync and the system clock", () => {
  it("does not talk to the office until the clock is synchronised, then catches up", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-office-clock-"));
    const officeDb: OpenedDb = openDb(join(dir, "office.sqlite"));
    cleanups.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => officeDb.close(),
    );
    const gw: TestGateway = await startTestGateway();
    cleanups.push(() => gw.dispose());
    const receiver = createOfficeReceiver({
      db: officeDb.db,
      keys: { "gw-push": "p".repeat(40) },
      now: () => gw.clock.now().getTime(),
    });
    const office: Served = serve(new Hono().route("/inbox", receiver.app).fetch);
    cleanups.push(() => office.stop());
    const flat = gw.ctx.db.all<{ flat_code: string; owner_id: string }>(
      "SELECT flat_code, owner_id FROM ownership_shares LIMIT 1" as never,
    )[0];
    enrolDirect(gw, flat.flat_code, flat.owner_id, { email: "jan@example.pl" });

    let synced = false;
    const push = new OfficePush({
      ...gw.ctx,
      config: {
        ...gw.config,
        office: {
          ...gw.config.office,
          url: `${office.url}/inbox`,
          keyId: "gw-push",
          secret: "p".repeat(40),
          pushIntervalMs: 20,
        },
      },
      clockSynchronized: () => synced,
    });
    push.start();
    cleanups.push(() => push.stop());
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.stats.requests).toBe(0);
    expect(push.health()).toMatchObject({ lastError: expect.stringContaining("clock") });

    synced = true;
    const started = Date.now();
    while (receiver.stats.eventsApplied < 1 && Date.now() - started < 10_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(receiver.stats.eventsApplied, JSON.stringify({ stats: receiver.stats, health: push.health() })).toBe(1);
  });
});
