import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerEvents, smsIncoming } from "../../db/schema/index.ts";
import { listIncomingSms, markIncomingSmsSeen } from "../services/listIncomingSms.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

let gw: TestGateway;

async function smsTo(to: string, count: number) {
  for (let i = 0; i < 100; i++) {
    gw.ctx.outbox.poke();
    const list = (await gw.json("GET", `/dev/sms.json?to=${encodeURIComponent(to)}`)).body as Array<{
      id: string;
      to: string;
      text: string;
      at: string;
    }>;
    if (list.length >= count) return list;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no SMS to ${to}`);
}

describe("the SMS simulator's demo pages", () => {
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.dispose();
  });

  it("reports the simulator as the modem in /healthz", async () => {
    const health = await gw.json("GET", "/healthz");
    expect(health.body.parts.modem).toMatchObject({ status: "ok", driver: "simulator" });
  });

  it("takes a resident's STOP, withdraws SMS consent and shows the confirmation at /dev/sms", async () => {
    gw.ctx.register.append(
      gw.ctx.db,
      { type: "enrolled", payload: { mobile: "+48600300400", channels: ["sms"], consentVersion: "2021-08-v1" } },
      "DEMO-STOP-1",
      "owner-stop",
    );
    const posted = await gw.json("POST", "/dev/sms/incoming", { from: "600 300 400", text: "STOP" });
    expect(posted.status).toBe(202);
    const withdrawn = gw.ctx.db
      .select()
      .from(registerEvents)
      .where(and(eq(registerEvents.flatCode, "DEMO-STOP-1"), eq(registerEvents.type, "withdrawn")))
      .get();
    expect(JSON.parse(withdrawn?.payload ?? "{}")).toEqual({ channels: ["sms"], via: "sms" });
    const [reply] = await smsTo("+48600300400", 1);
    expect(reply.text).toMatch(/wycofano zgod[eę] na SMS dla lokalu DEMO-STOP-1/);
    const page = await gw.app.request("/dev/sms");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("SMS testowe");
    expect(html).toContain("+48600300400");
  });

  it("keeps other replies for the office", async () => {
    await gw.json("POST", "/dev/sms/incoming", { from: "+48600300401", text: "Kiedy będzie woda?" });
    const kept = gw.ctx.db.select().from(smsIncoming).where(eq(smsIncoming.fromNumber, "+48600300401")).get();
    expect(kept).toMatchObject({ action: "office", text: "Kiedy będzie woda?" });
    const forOffice = listIncomingSms(gw.ctx, { action: "office", unseenOnly: true });
    expect(forOffice.map((m) => m.text)).toEqual(["Kiedy będzie woda?"]);
    expect(markIncomingSmsSeen(gw.ctx, [forOffice[0].id])).toBe(1);
    expect(listIncomingSms(gw.ctx, { action: "office", unseenOnly: true })).toEqual([]);
  });
});
