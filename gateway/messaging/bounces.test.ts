import { eq } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bounces, deliveries, outbox } from "../../db/schema/index.ts";
import { recordDelivery } from "../services/recordDelivery.ts";
import { type Dovecot, startDovecot } from "../testing/dovecot.ts";
import { enrolFlat, type MessagingTestDeps, messagingDeps } from "../testing/messagingDeps.ts";
import { BounceReader } from "./bounces.ts";
import { enqueueMessage } from "./outbox.ts";

function dsn(opts: { to: string; action: string; status: string; diagnostic?: string; originalId?: string }): string {
  return [
    "Return-Path: <>",
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>",
    `To: ${opts.to}`,
    "Subject: Undelivered Mail Returned to Sender",
    `Message-ID: <${Math.random().toString(36).slice(2)}@mx.example.com>`,
    "Date: Mon, 2 Mar 2026 11:00:00 +0100",
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="B-1"',
    "",
    "--B-1",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "I'm sorry to have to inform you that your message could not be delivered.",
    "",
    "--B-1",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.example.com",
    "",
    "Final-Recipient: rfc822; jan@example.com",
    `Action: ${opts.action}`,
    `Status: ${opts.status}`,
    ...(opts.diagnostic ? [`Diagnostic-Code: smtp; ${opts.diagnostic}`] : []),
    "",
    ...(opts.originalId
      ? [
          "--B-1",
          "Content-Type: text/rfc822-headers",
          "",
          `Message-ID: ${opts.originalId}`,
          "From: SM <korespondencja@naszdom.radom.pl>",
          "Subject: Rachunek",
          "",
        ]
      : []),
    "--B-1--",
    "",
  ].join("\r\n");
}

describe("bounce reader against a real IMAP server (dovecot)", () => {
  let dovecot: Dovecot;
  let deps: MessagingTestDeps;

  beforeAll(async () => {
    dovecot = await startDovecot();
  }, 30_000);
  afterAll(async () => {
    deps?.dispose();
    await dovecot?.stop();
  });

  it("applies reports by Message-ID and by VERP address, once, keeps what is not ours and ignores what is not a bounce", async () => {
    deps = messagingDeps({
      email: {
        bounceAddress: "bounces@naszdom.radom.pl",
        imap: { host: "127.0.0.1", port: dovecot.port, user: dovecot.user, pass: dovecot.pass, pollSeconds: 3600 },
      },
    });
    enrolFlat(deps, "F1", { email: "jan@example.com", mobile: "+48600100200" }, ["email", "sms"]);
    const letter = enqueueMessage(deps.db, deps.clock, {
      id: "letter-1",
      channel: "email",
      kind: "correspondence",
      recipient: "jan@example.com",
      text: "Rachunek",
      flatCode: "F1",
      correspondenceId: "corr-1",
      category: "water_bill",
    });
    const notice = enqueueMessage(deps.db, deps.clock, {
      id: "notice-1",
      channel: "email",
      kind: "notice",
      recipient: "ewa@example.com",
      text: "x",
    });
    for (const id of [letter, notice]) recordDelivery(deps, { messageId: id, status: "sent" });

    const imap = new ImapFlow({
      host: "127.0.0.1",
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.pass },
      logger: false,
    });
    await imap.connect();
    await imap.append(
      "INBOX",
      dsn({
        to: "bounces@naszdom.radom.pl",
        action: "failed",
        status: "5.2.2",
        diagnostic: "552 5.2.2 Mailbox full",
        originalId: "<letter-1@k1.naszdom.radom.pl>",
      }),
    );
    // only the VERP address identifies this one (no returned headers)
    await imap.append("INBOX", dsn({ to: "bounces+notice-1@naszdom.radom.pl", action: "delivered", status: "2.0.0" }));
    await imap.append("INBOX", dsn({ to: "bounces+unknown@naszdom.radom.pl", action: "failed", status: "5.1.1" }));
    await imap.append("INBOX", "From: someone@example.com\r\nSubject: Pytanie\r\n\r\nDzień dobry\r\n");
    await imap.logout();

    const reader = new BounceReader(deps, deps.config.email.imap as NonNullable<typeof deps.config.email.imap>);
    expect(await reader.poll()).toEqual({ read: 4, applied: 2, kept: 1, ignored: 1 });

    const row = (id: string) => deps.db.select().from(outbox).where(eq(outbox.id, id)).get();
    expect(row(letter)?.status).toBe("paper");
    expect(row(notice)?.status).toBe("delivered");
    const feed = deps.db.select().from(deliveries).where(eq(deliveries.messageId, letter)).all();
    expect(feed.map((d) => [d.channel, d.status])).toEqual([
      ["email", "sent"],
      ["email", "failed"],
      ["paper", "paper"],
    ]);
    expect(feed[1].reason).toContain("bounce mailbox_full 5.2.2");
    // one full mailbox is the resident's to fix: told by SMS, the address is not yet failing
    expect(deps.register.stateOf("F1").channels.email.health).not.toBe("failing");
    const headsUp = deps.db.select().from(outbox).where(eq(outbox.kind, "heads_up")).all();
    expect(headsUp.map((h) => [h.channel, h.recipient])).toEqual([["sms", "+48600100200"]]);
    expect(
      deps.db
        .select()
        .from(bounces)
        .all()
        .map((b) => b.kind)
        .sort(),
    ).toEqual(["delivered", "mailbox_full", "permanent"]);

    // processed reports are \Seen: the next pass reads nothing
    expect(await reader.poll()).toEqual({ read: 0, applied: 0, kept: 0, ignored: 0 });
    expect(reader.status()).toMatchObject({ lastError: null, applied: 2 });
    await reader.stop();
  });

  it("reports an unreachable mailbox in its status instead of crashing", async () => {
    deps?.dispose();
    deps = messagingDeps();
    const reader = new BounceReader(deps, {
      host: "127.0.0.1",
      port: dovecot.port,
      secure: false,
      user: dovecot.user,
      pass: "wrong",
      mailbox: "INBOX",
      pollSeconds: 3600,
    });
    await expect(reader.poll()).rejects.toThrow();
    expect(reader.status().lastError).toBeTruthy();
  });
});
