import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANGUAGES } from "../domain/channelSentences.ts";
import { prepareSms } from "../messaging/smsEncoding.ts";
import { rejectionEmail, rejectionSms } from "../messaging/templates/residentTexts.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { enrolDirect } from "../testing/office.ts";
import { listDeliveries } from "./listDeliveries.ts";
import { PAPER_CSV_COLUMNS, paperCsv, paperList } from "./paperList.ts";
import { recordDelivery } from "./recordDelivery.ts";
import { rejectEnrolment } from "./rejectEnrolment.ts";

/** What an office might write: long, with quotes, an emoji and letters outside GSM-7. */
const LONG_REASON =
  "Z księgi wieczystej wynika, że lokal należy do innej osoby; prosimy o kontakt z działem członkowsko-mieszkaniowym w godzinach 8–15 i przyniesienie aktu notarialnego „do wglądu” 📄. Ref. ZW/2026/03/117";

describe("an office rejection notice", () => {
  // One gateway for the file (start-up is the slow part); each test uses its own flat.
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.dispose());

  const outboxRow = (id: string) =>
    gw.ctx.database.sqlite.query("SELECT channel, recipient, payload FROM outbox WHERE id = ?").get(id) as {
      channel: string;
      recipient: string;
      payload: string;
    };
  const textOf = (id: string) => JSON.parse(outboxRow(id).payload).text as string;

  it("sends a fixed one-segment SMS whatever the office writes, and the reason by email", () => {
    const enrolment = enrolDirect(gw, "KEL10-A-2", "O-1", { email: "anna@example.pl", mobile: "+48600100200" });
    const result = rejectEnrolment(gw.ctx, { flat: "KEL10-A-2", seq: enrolment.seq, reason: LONG_REASON });
    const sms = result.notices.find((id) => outboxRow(id).channel === "sms")!;
    const email = result.notices.find((id) => outboxRow(id).channel === "email")!;
    expect(textOf(sms)).not.toContain("księgi");
    expect(textOf(sms)).toContain("Powód w e-mailu");
    const prepared = prepareSms(textOf(sms), "notice", gw.config.sms);
    expect(prepared).toMatchObject({ ok: true, segments: 1 });
    expect(textOf(email)).toContain(`Powód: ${LONG_REASON}`);
  });

  it("fits one SMS segment in every language, for either way the reason goes, even with a long name", () => {
    const long = { ...gw.config.cooperative, shortName: "Spółdzielnia Mieszkaniowa Lokatorsko-Własnościowa" };
    for (const language of LANGUAGES) {
      for (const [by, coop] of [
        ["email", gw.config.cooperative],
        ["letter", gw.config.cooperative],
        ["email", long],
      ] as const) {
        const text = rejectionSms(language, coop, by);
        expect(
          prepareSms(text, "notice", { maxParts: 1, transliterateLong: false }),
          `${language}/${by}: ${text}`,
        ).toMatchObject({ ok: true, segments: 1 });
      }
    }
  });

  it("writes to the resident in the language they used at the kiosk, the office's words in Polish", () => {
    const enrolment = enrolDirect(gw, "KEL10-A-3", "O-1", {
      email: "olena@example.pl",
      mobile: "+48600100200",
      language: "uk",
    });
    const result = rejectEnrolment(gw.ctx, { flat: "KEL10-A-3", seq: enrolment.seq, reason: "Brak tytułu prawnego" });
    const sms = result.notices.find((id) => outboxRow(id).channel === "sms")!;
    const email = result.notices.find((id) => outboxRow(id).channel === "email")!;
    expect(textOf(sms)).toMatch(/запис не прийнято/i);
    expect(textOf(email)).toContain("Powód: Brak tytułu prawnego");
    expect(textOf(email)).toContain("Причину (польською) наведено вище.");
  });

  it("without an email, sends the reason by letter and shows it in the deliveries feed", () => {
    const enrolment = enrolDirect(gw, "KEL10-A-4", "O-1", { mobile: "+48600100200" });
    const result = rejectEnrolment(gw.ctx, { flat: "KEL10-A-4", seq: enrolment.seq, reason: LONG_REASON });
    expect(textOf(result.notices[0])).toContain("Powód w liście");
    const feed = listDeliveries(gw.ctx, { after: 0, limit: 100 }).changes;
    expect(feed).toContainEqual(
      expect.objectContaining({
        message_id: `rejected-${result.event.seq}-letter`,
        channel: "paper",
        status: "paper",
        reason: "rejection_reason_by_letter",
      }),
    );
  });

  it("when the email with the reason bounces, the feed shows the failure and the letter that replaces it", () => {
    const enrolment = enrolDirect(gw, "KEL10-A-5", "O-1", { email: "anna@example.pl" });
    const result = rejectEnrolment(gw.ctx, { flat: "KEL10-A-5", seq: enrolment.seq, reason: "Brak tytułu" });
    const email = result.notices[0];
    recordDelivery(gw.ctx, {
      messageId: email,
      status: "failed",
      reason: "550 5.1.1 no such user",
      contactFailing: true,
    });
    const feed = listDeliveries(gw.ctx, { after: 0, limit: 100 }).changes.filter((c) => c.message_id === email);
    expect(feed.map((c) => `${c.channel}:${c.status}`)).toEqual(["email:failed", "paper:paper"]);
    expect(feed[1].reason).toContain("550 5.1.1");
  });

  it("puts the letter with the reason on the day's paper list, once per rejection, and the office's words for the clerk", () => {
    const day = gw.clock.now().toISOString().slice(0, 10);
    // No email: the reason goes by letter. The resident wrote in Ukrainian at the kiosk.
    const byLetter = enrolDirect(gw, "KEL10-A-6", "O-1", { mobile: "+48600100201", language: "uk" });
    const letter = rejectEnrolment(gw.ctx, { flat: "KEL10-A-6", seq: byLetter.seq, reason: LONG_REASON });
    // Its SMS is not sent in time: that SMS moving to paper is no second letter.
    recordDelivery(gw.ctx, { messageId: letter.notices[0], status: "paper", reason: "expired after 3 attempt(s)" });
    // With an email that bounces: the reason falls back to a letter.
    const byEmail = enrolDirect(gw, "KEL10-A-7", "O-1", { email: "nikt@example.pl" });
    const bounced = rejectEnrolment(gw.ctx, { flat: "KEL10-A-7", seq: byEmail.seq, reason: "Brak tytułu prawnego" });
    recordDelivery(gw.ctx, { messageId: bounced.notices[0], status: "failed", reason: "550 5.1.1 no such user" });
    // An email that was delivered needs no letter.
    const delivered = enrolDirect(gw, "KEL10-A-8", "O-1", { email: "jest@example.pl" });
    const fine = rejectEnrolment(gw.ctx, { flat: "KEL10-A-8", seq: delivered.seq, reason: "Inny powód" });
    recordDelivery(gw.ctx, { messageId: fine.notices[0], status: "delivered" });

    // (The earlier tests' rejections of KEL10-A-4 and -5 are on this day's list too.)
    const items = paperList(gw.ctx, { date: day }).filter((i) =>
      ["KEL10-A-6", "KEL10-A-7", "KEL10-A-8"].includes(i.flat),
    );
    expect(items.map((i) => i.correspondence_id).sort()).toEqual(
      [`rejected-${letter.event.seq}`, `rejected-${bounced.event.seq}`].sort(),
    );
    const label = (flat: string) => {
      const row = gw.ctx.database.sqlite
        .query(
          "SELECT b.address, b.city, f.staircase, f.number FROM flats f JOIN buildings b ON b.id = f.building_id WHERE f.code = ?",
        )
        .get(flat) as { address: string; city: string; staircase: string; number: string };
      return {
        flat: `${row.address} kl. ${row.staircase} m. ${row.number}`,
        post: `${row.address} kl. ${row.staircase} m. ${row.number}, ${row.city}`,
      };
    };
    const subject = (flat: string) =>
      rejectionEmail("pl", {
        flatLabel: label(flat).flat,
        enrolledAt: byLetter.occurredAt,
        reason: "",
        cooperative: gw.config.cooperative,
        timezone: gw.config.timezone,
      }).subject;
    const first = items.find((i) => i.correspondence_id === `rejected-${letter.event.seq}`)!;
    expect(first).toMatchObject({
      flat: "KEL10-A-6",
      address: label("KEL10-A-6").post,
      category: "rejection_notice",
      subject: subject("KEL10-A-6"),
      generated_at: letter.event.occurredAt,
      reason: "rejection_reason_by_letter",
      source: "routed",
      rejection_reason: LONG_REASON,
    });
    expect(first.owners.length).toBeGreaterThan(0);
    // The letter itself: the office's words in Polish, then the resident's language.
    expect(first.letter_text).toContain(`Powód: ${LONG_REASON}`);
    expect(first.letter_text).toContain("Причину (польською) наведено вище.");
    expect(items.find((i) => i.correspondence_id === `rejected-${bounced.event.seq}`)).toMatchObject({
      flat: "KEL10-A-7",
      subject: subject("KEL10-A-7"),
      generated_at: bounced.event.occurredAt,
      reason: "email_failed: 550 5.1.1 no such user",
      source: "fallback",
      rejection_reason: "Brak tytułu prawnego",
    });
    // The CSV keeps its columns: the reason and the text are not in it.
    const csv = paperCsv(items);
    expect(csv.split("\r\n")[0]).toBe(PAPER_CSV_COLUMNS.join(","));
    expect(csv).toContain(`rejected-${letter.event.seq}`);
    expect(csv).not.toContain("księgi");
    expect(csv).not.toContain("Brak tytułu");
  });
});
