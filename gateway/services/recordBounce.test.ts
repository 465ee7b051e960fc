import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { bounces, deliveries, outbox } from "../../db/schema/index.ts";
import { classifyBounce } from "../messaging/bounce/classify.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { enrolFlat, type MessagingTestDeps, messagingDeps } from "../testing/messagingDeps.ts";
import { listBounces, markBounceReviewed, unreviewedBounceCount } from "./listBounces.ts";
import { recordBounce } from "./recordBounce.ts";
import { recordDelivery } from "./recordDelivery.ts";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "../messaging/bounce/fixtures", `${name}.eml`), "utf8");

let deps: MessagingTestDeps;
afterEach(() => deps?.dispose());

function setUp() {
  deps = messagingDeps({ email: { bounceAddress: "bounces@naszdom.radom.pl" } });
  enrolFlat(deps, "F1", { email: "grazyna.kaczmarek@wp.pl", mobile: "+48600100200" }, ["email", "sms"]);
}

function sentLetter(id: string, recipient = "grazyna.kaczmarek@wp.pl") {
  enqueueMessage(deps.db, deps.clock, {
    id,
    channel: "email",
    kind: "correspondence",
    recipient,
    text: "Rachunek",
    flatCode: "F1",
    correspondenceId: `corr-${id}`,
    category: "water_bill",
  });
  recordDelivery(deps, { messageId: id, status: "sent" });
}

const status = (id: string) => deps.db.select().from(outbox).where(eq(outbox.id, id)).get()?.status;
const headsUps = () => deps.db.select().from(outbox).where(eq(outbox.kind, "heads_up")).all();

/** The wp.pl full-mailbox report, addressed by VERP to a given outbox id. */
const fullMailbox = (id: string) => fixture("wp-pl-mailbox-full").replaceAll("letter-121-email", id);

describe("recording a bounce", () => {
  it("sends a full mailbox's letter to paper and tells the resident by SMS, without blaming the address", async () => {
    setUp();
    sentLetter("letter-a");
    const outcome = recordBounce(deps, await classifyBounce(fullMailbox("letter-a")), "");
    expect(outcome).toMatchObject({ outboxId: "letter-a", kind: "mailbox_full", applied: true, contactFailing: false });
    expect(status("letter-a")).toBe("paper");
    expect(deps.register.stateOf("F1").channels.email.health).not.toBe("failing");
    const sms = headsUps();
    expect(sms.map((m) => [m.channel, m.recipient])).toEqual([["sms", "+48600100200"]]);
    expect(JSON.parse(sms[0].payload).text).toContain("jest pełna");
  });

  it("marks the address failing at the third full-mailbox bounce within 7 days, and warns once a week", async () => {
    setUp();
    for (const [i, id] of ["l1", "l2", "l3"].entries()) {
      sentLetter(id);
      const outcome = recordBounce(deps, await classifyBounce(fullMailbox(id)), "");
      expect(outcome.contactFailing).toBe(i === 2);
      deps.clock.advance(2 * 86_400_000);
    }
    expect(deps.register.stateOf("F1").channels.email.health).toBe("failing");
    // two mailbox-full SMS would be noise: one for the week, then the "address failing" heads-up
    expect(headsUps().length).toBe(2);
  });

  it("does not count full-mailbox bounces older than the window", async () => {
    setUp();
    for (const id of ["o1", "o2", "o3"]) {
      sentLetter(id);
      recordBounce(deps, await classifyBounce(fullMailbox(id)), "");
      deps.clock.advance(8 * 86_400_000);
    }
    expect(deps.register.stateOf("F1").channels.email.health).not.toBe("failing");
  });

  it("marks an unknown address failing at once", async () => {
    setUp();
    enrolFlat(deps, "F2", { email: "jan.kowalsky@gmail.com" }, ["email"]);
    sentLetter("letter-101-email", "jan.kowalsky@gmail.com");
    const outcome = recordBounce(deps, await classifyBounce(fixture("postfix-user-unknown")), "");
    expect(outcome).toMatchObject({ applied: true, contactFailing: true });
    expect(deps.register.stateOf("F2").channels.email.health).toBe("failing");
  });

  it("changes nothing for a temporary failure", async () => {
    setUp();
    sentLetter("letter-113-email", "agnieszka.pawlak@wp.pl");
    const outcome = recordBounce(deps, await classifyBounce(fixture("postfix-delay")), "");
    expect(outcome).toMatchObject({ kind: "temporary", applied: false, outboxId: "letter-113-email" });
    expect(status("letter-113-email")).toBe("sent");
    expect(deps.db.select().from(deliveries).where(eq(deliveries.messageId, "letter-113-email")).all()).toHaveLength(1);
  });

  it("takes the VERP envelope over the Message-ID of the returned copy", async () => {
    setUp();
    sentLetter("by-verp");
    sentLetter("by-copy");
    const raw = fullMailbox("by-verp").replace(
      "--wp121--",
      "--wp121\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <by-copy@k1.naszdom.radom.pl>\r\n\r\n--wp121--",
    );
    expect(recordBounce(deps, await classifyBounce(raw), "").outboxId).toBe("by-verp");
    expect(status("by-copy")).toBe("sent");
  });

  it("finds the letter by the failing address when neither VERP nor Message-ID names it", async () => {
    setUp();
    sentLetter("letter-x", "tomasz.lewandowski@hosting.example");
    const outcome = recordBounce(
      deps,
      await classifyBounce(fixture("exim-x-failed-recipients").replace(/^Message-ID:.*$/m, "")),
      "",
    );
    expect(outcome.outboxId).toBe("letter-x");
    expect(status("letter-x")).toBe("paper");
  });

  it("keeps a bounce it cannot read, for staff, counted until someone reviews it", async () => {
    setUp();
    const raw = fixture("unreadable-verp");
    const outcome = recordBounce(deps, await classifyBounce(raw), raw);
    expect(outcome).toMatchObject({ kind: "unclassified", applied: false });
    const [kept] = listBounces(deps, { kind: "unclassified" });
    expect(kept.raw).toContain("status code Q-77");
    expect(unreviewedBounceCount(deps)).toBe(1);
    markBounceReviewed(deps, { id: kept.id, by: "biuro" });
    expect(unreviewedBounceCount(deps)).toBe(0);
    expect(deps.db.select().from(bounces).all()).toHaveLength(1);
  });
});
