import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { contacts, deliveries, outbox } from "../../db/schema/index.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { enrolFlat, type MessagingTestDeps, messagingDeps } from "../testing/messagingDeps.ts";
import { recordDelivery } from "./recordDelivery.ts";

let deps: MessagingTestDeps;
afterEach(() => deps?.dispose());

const feed = (id: string) =>
  deps.db
    .select()
    .from(deliveries)
    .where(eq(deliveries.messageId, id))
    .all()
    .map((d) => [d.channel, d.status]);
const row = (id: string) => deps.db.select().from(outbox).where(eq(outbox.id, id)).get();

describe("recordDelivery", () => {
  it("an SMS DeliveryFailed marks the mobile failing and warns the resident by email", () => {
    deps = messagingDeps();
    enrolFlat(deps, "F1", { email: "ewa@example.com", mobile: "+48600100200" }, ["email", "sms"]);
    const id = enqueueMessage(deps.db, deps.clock, {
      channel: "sms",
      kind: "reminder",
      recipient: "+48600100200",
      text: "Przypomnienie",
      flatCode: "F1",
      correspondenceId: "c1",
      category: "payment_reminder",
    });
    recordDelivery(deps, { messageId: id, status: "sent" });
    const outcome = recordDelivery(deps, {
      messageId: id,
      status: "failed",
      reason: "DeliveryFailed",
      contactFailing: true,
    });
    expect(outcome.events).toHaveLength(1);
    expect(outcome.headsUp).toHaveLength(1);
    const headsUp = row(outcome.headsUp[0]);
    expect(headsUp).toMatchObject({ channel: "email", kind: "heads_up", recipient: "ewa@example.com", flatCode: "F1" });
    expect(JSON.parse(headsUp?.payload ?? "{}").subject).toBe("Twój numer telefonu nie odbiera naszych SMS-ów");
    expect(deps.register.stateOf("F1").channels.sms.health).toBe("failing");
    // a payment reminder is a letter, but no email copy of it exists: the letter goes on paper
    expect(feed(id)).toEqual([
      ["sms", "sent"],
      ["sms", "failed"],
      ["paper", "paper"],
    ]);
  });

  it("an SMS copy of a letter that also went by email does not add paper", () => {
    deps = messagingDeps();
    const email = enqueueMessage(deps.db, deps.clock, {
      channel: "email",
      kind: "reminder",
      recipient: "ewa@example.com",
      text: "x",
      correspondenceId: "c2",
      category: "payment_reminder",
    });
    recordDelivery(deps, { messageId: email, status: "sent" });
    const sms = enqueueMessage(deps.db, deps.clock, {
      channel: "sms",
      kind: "reminder",
      recipient: "+48600100201",
      text: "x",
      correspondenceId: "c2",
      category: "payment_reminder",
    });
    const outcome = recordDelivery(deps, {
      messageId: sms,
      status: "failed",
      reason: "DeliveryFailed",
      contactFailing: true,
    });
    expect(outcome.paper).toBe(false);
    expect(row(sms)?.status).toBe("failed");
  });

  it("repeating a change records nothing twice (a DSN read twice, a report polled twice)", () => {
    deps = messagingDeps();
    enrolFlat(deps, "F2", { email: "adam@example.com", mobile: "+48600100202" }, ["email", "sms"]);
    const id = enqueueMessage(deps.db, deps.clock, {
      channel: "email",
      kind: "correspondence",
      recipient: "adam@example.com",
      text: "x",
      flatCode: "F2",
      correspondenceId: "c3",
    });
    const change = { messageId: id, status: "failed" as const, reason: "DSN 5.2.2", contactFailing: true };
    const first = recordDelivery(deps, change);
    const second = recordDelivery(deps, change);
    expect(first.recorded).toBe(true);
    expect(second).toEqual({ recorded: false, paper: false, events: [], headsUp: [] });
    expect(deps.register.flatEvents("F2").filter((e) => e.type === "contact_failing")).toHaveLength(1);
    expect(feed(id)).toEqual([
      ["email", "failed"],
      ["paper", "paper"],
    ]);
  });

  it("a failing address that delivers again is restored in the register", () => {
    deps = messagingDeps();
    enrolFlat(deps, "F3", { email: "ola@example.com" }, ["email"]);
    const bounced = enqueueMessage(deps.db, deps.clock, {
      channel: "email",
      kind: "notice",
      recipient: "ola@example.com",
      text: "x",
      flatCode: "F3",
    });
    const failed = recordDelivery(deps, { messageId: bounced, status: "failed", reason: "552", contactFailing: true });
    expect(failed.headsUp).toEqual([]); // no SMS consent: nobody to warn on the other channel
    const code = enqueueMessage(deps.db, deps.clock, {
      channel: "email",
      kind: "otp",
      recipient: "ola@example.com",
      text: "123456",
    });
    const outcome = recordDelivery(deps, { messageId: code, status: "sent" });
    expect(outcome.events).toHaveLength(1);
    expect(deps.register.flatEvents("F3").map((e) => e.type)).toEqual([
      "enrolled",
      "contact_failing",
      "contact_restored",
    ]);
    expect(deps.register.stateOf("F3").channels.email.health).toBe("ok");
    expect(deps.db.select().from(contacts).where(eq(contacts.value, "ola@example.com")).get()?.health).toBe("ok");
  });

  it("records 'queued' once and leaves the outbox row as it is", () => {
    deps = messagingDeps();
    const id = enqueueMessage(deps.db, deps.clock, {
      channel: "email",
      kind: "notice",
      recipient: "a@b.pl",
      text: "x",
    });
    expect(recordDelivery(deps, { messageId: id, status: "queued" }).recorded).toBe(true);
    expect(recordDelivery(deps, { messageId: id, status: "queued" }).recorded).toBe(false);
    expect(feed(id)).toEqual([["email", "queued"]]);
    expect(row(id)?.status).toBe("pending");
  });

  it("a late 'sent' after 'delivered' does not move the status back", () => {
    deps = messagingDeps();
    const id = enqueueMessage(deps.db, deps.clock, {
      channel: "sms",
      kind: "notice",
      recipient: "+48600100203",
      text: "x",
    });
    recordDelivery(deps, { messageId: id, status: "delivered" });
    expect(recordDelivery(deps, { messageId: id, status: "sent" }).recorded).toBe(false);
    expect(row(id)?.status).toBe("delivered");
  });

  it("an unknown message id is a NOT_FOUND error", () => {
    deps = messagingDeps();
    expect(() => recordDelivery(deps, { messageId: "nope", status: "sent" })).toThrow(/no outbox message/);
  });
});
