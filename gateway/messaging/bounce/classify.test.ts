import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyBounce } from "./classify.ts";

const dir = join(import.meta.dirname, "fixtures");
const expected: Record<
  string,
  { kind: string; recipients: string[]; status: string | null; messageId: string | null }
> = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));

describe("the bounce classifier over a directory of .eml files", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".eml"));

  it("has an expectation for every fixture and a fixture for every expectation", () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(files)("reads %s: kind, blamed address, status and our Message-ID", async (file) => {
    const report = await classifyBounce(readFileSync(join(dir, file)));
    const want = expected[file];
    expect({
      kind: report.kind,
      recipients: report.recipients,
      status: report.status,
      messageId: report.messageId,
    }).toEqual({
      kind: want.kind,
      recipients: want.recipients,
      status: want.status,
      messageId: want.messageId,
    });
  });

  it("reports its hits over the whole directory", async () => {
    let hits = 0;
    for (const file of files) {
      const r = await classifyBounce(readFileSync(join(dir, file)));
      if (r.kind === expected[file].kind && r.recipients.join() === expected[file].recipients.join()) hits++;
    }
    console.log(`bounce classifier: ${hits} of ${files.length} fixtures classified with the right address`);
    expect(hits).toBe(files.length);
  });
});

describe("what the classifier blames", () => {
  const report = (status: string, diagnostic: string) =>
    [
      "From: MAILER-DAEMON@mx.example.com",
      "To: korespondencja@naszdom.radom.pl",
      "Subject: Undelivered Mail Returned to Sender",
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain",
      "",
      "sorry",
      "--b",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns; mx.example.com",
      "",
      "Final-Recipient: rfc822; jan@example.com",
      "Action: failed",
      `Status: ${status}`,
      `Diagnostic-Code: smtp; ${diagnostic}`,
      "--b--",
      "",
    ].join("\r\n");

  it("blames the address for an unknown user, not for a spam refusal", async () => {
    expect(await classifyBounce(report("5.1.1", "550 5.1.1 User unknown"))).toMatchObject({
      kind: "permanent",
      blamesAddress: true,
    });
    expect(await classifyBounce(report("5.7.1", "554 5.7.1 Message rejected as spam"))).toMatchObject({
      kind: "permanent",
      blamesAddress: false,
    });
  });

  it("tells a full mailbox from an unknown user by status and by wording", async () => {
    expect((await classifyBounce(report("5.0.0", "552 Mailbox is full"))).kind).toBe("mailbox_full");
    expect((await classifyBounce(report("4.2.2", "452 4.2.2 over quota"))).kind).toBe("mailbox_full");
    expect((await classifyBounce(report("5.0.0", "550 Skrzynka odbiorcy jest pełna"))).kind).toBe("mailbox_full");
  });

  it("does not take a resident's reply for a bounce", async () => {
    const reply =
      "From: jan@example.com\r\nSubject: Re: Rachunek za wodę\r\n\r\nDziękuję, nie mogę dostarczyć dokumentów.\r\n";
    expect((await classifyBounce(reply)).kind).toBe("not_a_bounce");
  });
});
