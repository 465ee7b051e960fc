import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { contacts, deliveries, outbox } from "../../db/schema/index.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { FaultySmtp } from "../testing/smtpFaults.ts";
import { enqueueMessage, type NewMessage } from "./outbox.ts";

let smtp: FaultySmtp;
let gw: TestGateway;

beforeAll(async () => {
  smtp = new FaultySmtp();
  await smtp.start();
});
afterAll(async () => {
  await smtp.stop();
});
afterEach(async () => {
  smtp.mode = "normal";
  await gw?.dispose();
});

async function gateway(timeoutSeconds = 5) {
  gw = await startTestGateway(
    {
      email: { driver: "smtp", host: "127.0.0.1", port: smtp.port, pool: 2, timeoutSeconds },
      outbox: { retryBaseSeconds: 1, retryMaxSeconds: 10 },
    },
    { demo: false },
  );
  return gw;
}

function send(m: Partial<NewMessage>) {
  return enqueueMessage(gw.ctx.db, gw.clock, {
    channel: "email",
    kind: "correspondence",
    recipient: "jan@example.com",
    subject: "Rachunek za wodę",
    text: "Dzień dobry,\n\nw załączniku rachunek za wodę za luty.",
    ...m,
  });
}

const row = (id: string) => gw.ctx.db.select().from(outbox).where(eq(outbox.id, id)).get();
const drain = () => gw.ctx.outbox.runUntilIdle();

function enrol(flatCode: string, email: string, mobile: string) {
  gw.ctx.db.transaction((tx) =>
    gw.ctx.register.append(
      tx,
      { type: "enrolled", payload: { email, mobile, channels: ["email", "sms"], consentVersion: "2021-08-v1" } },
      flatCode,
      null,
      "2026-01-01T10:00:00Z",
    ),
  );
}

describe("email channel against a real SMTP server", () => {
  it("250: sends a Polish letter with text and HTML parts, attachment and proper headers", async () => {
    await gateway();
    const pdf = join(gw.dataDir, "rachunek.pdf");
    writeFileSync(pdf, "%PDF-1.4\n% rachunek\n");
    const id = send({ attachments: [{ filename: "rachunek-luty.pdf", contentType: "application/pdf", path: pdf }] });
    await drain();
    expect(row(id)).toMatchObject({ status: "sent", externalId: "T1", lastError: null });
    const got = smtp.received.find((m) => m.messageId === `<${id}@k1.naszdom.radom.pl>`);
    expect(got).toBeDefined();
    const mail = await simpleParser(got?.raw ?? "");
    expect(mail.from?.value[0]).toEqual({
      name: 'Spółdzielnia Mieszkaniowa "Nasz Dom" w Radomiu',
      address: "korespondencja@naszdom.radom.pl",
    });
    expect(mail.replyTo?.text).toBe("biuro@naszdom.radom.pl");
    expect(mail.date?.toISOString()).toBe("2026-03-02T10:00:00.000Z");
    expect(mail.subject).toBe("Rachunek za wodę");
    expect(mail.text).toContain("rachunek za wodę za luty");
    expect(mail.html).toContain('<meta name="viewport"');
    expect(mail.html).toContain("rachunek za wodę za luty");
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ["rachunek-luty.pdf", "application/pdf"],
    ]);
    const feed = gw.ctx.db.select().from(deliveries).where(eq(deliveries.messageId, id)).all();
    expect(feed.map((d) => [d.channel, d.status])).toEqual([["email", "sent"]]);
  });

  it("421 on connect: retries with backoff and sends once the server is back", async () => {
    await gateway();
    smtp.mode = "421";
    const id = send({});
    await drain();
    expect(row(id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(row(id)?.lastError).toMatch(/^421/);
    smtp.mode = "normal";
    gw.clock.set(row(id)?.nextAttemptAt ?? "");
    await drain();
    expect(row(id)?.status).toBe("sent");
    const health = await gw.json("GET", "/healthz");
    expect(health.body.parts.smtp).toMatchObject({ status: "ok", sent: 1, retried: 1 });
  });

  it.each([
    ["r450@example.com", /^450 4\.2\.1/],
    ["r451@example.com", /^451/],
    ["r452@example.com", /^452 4\.2\.2/],
    ["d452@example.com", /^452 4\.2\.2/],
  ])("4xx (%s) is retried, not failed", async (recipient, reply) => {
    await gateway();
    const id = send({ recipient });
    await drain();
    expect(row(id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(row(id)?.lastError).toMatch(reply);
    expect(Date.parse(row(id)?.nextAttemptAt ?? "")).toBeGreaterThanOrEqual(gw.clock.now().getTime());
  });

  it.each([
    ["r550@example.com", "550"],
    ["r552@example.com", "552"],
    ["r553@example.com", "553"],
  ])(
    "5xx (%s): the address is failing, the letter goes to paper and the resident gets an SMS heads-up",
    async (address, code) => {
      await gateway();
      enrol("KEL10-A-1", address, "+48600100200");
      const id = send({
        recipient: address,
        flatCode: "KEL10-A-1",
        correspondenceId: "corr-1",
        category: "water_bill",
      });
      await drain();
      expect(row(id)?.status).toBe("paper");
      const feed = gw.ctx.db.select().from(deliveries).where(eq(deliveries.messageId, id)).all();
      expect(feed.map((d) => [d.channel, d.status])).toEqual([
        ["email", "failed"],
        ["paper", "paper"],
      ]);
      expect(feed[1].reason).toContain(`email_failed: ${code}`);
      const contact = gw.ctx.db.select().from(contacts).where(eq(contacts.value, address)).get();
      expect(contact?.health).toBe("failing");
      const events = gw.ctx.register.flatEvents("KEL10-A-1");
      expect(events.at(-1)).toMatchObject({ type: "contact_failing", payload: { channel: "email", contact: address } });
      const headsUp = gw.ctx.db.select().from(outbox).where(eq(outbox.kind, "heads_up")).all();
      expect(headsUp).toHaveLength(1);
      expect(headsUp[0]).toMatchObject({ channel: "sms", recipient: "+48600100200" });
      expect(JSON.parse(headsUp[0].payload).text).toContain("zaktualizuj go w kiosku");
    },
  );

  it("554 5.7.1 (policy) fails the message without blaming the address", async () => {
    await gateway();
    const id = send({ recipient: "r554@example.com", correspondenceId: "corr-2" });
    await drain();
    expect(row(id)?.status).toBe("paper");
    expect(gw.ctx.db.select().from(contacts).where(eq(contacts.value, "r554@example.com")).get()).toBeUndefined();
  });

  it("a connection dropped in the middle of DATA is retried", async () => {
    await gateway();
    const id = send({ recipient: "drop@example.com" });
    await drain();
    expect(row(id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(row(id)?.lastError).toMatch(/ECONNECTION|ESOCKET|closed|reset/i);
  });

  it("a server that stalls past the timeout is retried", async () => {
    await gateway(1);
    const id = send({ recipient: "stall@example.com" });
    await drain();
    expect(row(id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(row(id)?.lastError).toMatch(/ETIMEDOUT|timeout/i);
  });
});
