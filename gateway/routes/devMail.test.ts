import { afterEach, describe, expect, it } from "vitest";
import { enqueueMessage } from "../messaging/outbox.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out waiting");
}

describe("/dev/mail (demo mode's SMTP sink)", () => {
  it("shows a code email the workers sent through the in-process SMTP sink", async () => {
    gw = await startTestGateway({}, { demo: true });
    const g = gw;
    expect(g.ctx.mailSink?.port).toBeGreaterThan(0);
    const id = enqueueMessage(g.ctx.db, g.clock, {
      channel: "email",
      kind: "otp",
      recipient: "anna.nowak@example.com",
      subject: "Kod weryfikacyjny: 482913",
      text: "Twój kod: 482913. Ważny 5 minut.",
    });
    g.ctx.outbox.poke();
    const mails = await waitFor(async () => {
      const res = await g.json("GET", "/dev/mail.json?to=anna.nowak@example.com");
      return res.body.length > 0 ? res.body : undefined;
    });
    expect(mails).toHaveLength(1);
    expect(Object.keys(mails[0]).sort()).toEqual(["date", "messageId", "subject", "text", "to"]);
    expect(mails[0]).toMatchObject({
      messageId: `<${id}@k1.naszdom.radom.pl>`,
      to: "anna.nowak@example.com",
      subject: "Kod weryfikacyjny: 482913",
      date: "2026-03-02T10:00:00.000Z",
    });
    expect(mails[0].text).toMatch(/Twój kod: 482913/);
    const page = await g.app.request("/dev/mail");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("Kod weryfikacyjny: 482913");
    expect(html).toContain("anna.nowak@example.com");
    // the worker commits "sent" in its next pass, just after the sink answered 250
    const smtp = await waitFor(async () => {
      const part = (await g.json("GET", "/healthz")).body.parts.smtp;
      return part.sent > 0 ? part : undefined;
    });
    expect(smtp).toMatchObject({ status: "ok", driver: "sink", sent: 1, queued: 0 });
  });

  it("is not mounted outside demo mode", async () => {
    gw = await startTestGateway({ email: { driver: "smtp", port: 2 } }, { demo: false });
    const res = await gw.app.request("/dev/mail.json");
    expect(res.status).toBe(404);
    expect(gw.ctx.mailSink).toBeNull();
  });
});
