import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ANNOUNCEMENT_CHANNELS, CATEGORIES, type Category } from "./categories.ts";
import { consentAsOf, emptyConsent, type FlatConsent } from "./consentState.ts";
import { type ConsentEvent, type ConsentEventBody, GENESIS_HASH, seal } from "./registerEvents.ts";
import { localMidnight, type RoutingPolicy, routeCorrespondence } from "./routing.ts";

const policy: RoutingPolicy = {
  electronicStartDate: "2021-09-01",
  paymentDemandsOnPaper: true,
  categoryChannels: ANNOUNCEMENT_CHANNELS,
  timezone: "Europe/Warsaw",
};

function chain(...items: Array<[string, ConsentEventBody, string?]>): ConsentEvent[] {
  let prevHash = GENESIS_HASH;
  return items.map(([occurredAt, body, ownerId], i) => {
    const event = seal({ ...body, seq: i + 1, flatCode: "F1", ownerId: ownerId ?? "O1", occurredAt, prevHash } as Omit<
      ConsentEvent,
      "hash"
    >);
    prevHash = event.hash;
    return event;
  });
}

const both: ConsentEventBody = {
  type: "enrolled",
  payload: { email: "jan@wp.pl", mobile: "+48600100200", channels: ["email", "sms"], consentVersion: "v1" },
};

const events = chain(["2026-01-10T09:00:00Z", both]);
const state = (asOf: string) => consentAsOf("F1", events, asOf, 14);
const route = (category: Category, generatedAt: string, consent: FlatConsent = state(generatedAt), p = policy) =>
  routeCorrespondence({ category, generatedAt }, consent, p);

describe("routing by the announcement's rules", () => {
  it("keeps paper for 14 days after enrolment", () => {
    const r = route("water_bill", "2026-01-20T09:00:00Z");
    expect(r.channels).toEqual(["paper"]);
    expect(r.decisions).toContainEqual({ channel: "email", send: false, reason: "grace_period" });
  });

  it("sends by email once the 14 days have passed", () => {
    const r = route("water_bill", "2026-01-24T09:00:01Z");
    expect(r.channels).toEqual(["email"]);
  });

  it.each([
    ["water_bill", ["email"]],
    ["fee_change", ["email"]],
    ["other_letter", ["email"]],
    ["payment_reminder", ["email", "sms"]],
    ["outage", ["sms"]],
    ["utility_interruption", ["sms"]],
    ["building_notice", ["sms"]],
  ] as Array<[Category, string[]]>)("routes %s to %j after the grace period", (category, channels) => {
    expect(route(category, "2026-03-01T09:00:00Z").channels).toEqual(channels);
  });

  it("keeps payment demands on paper while the policy flag is on, whatever the consent", () => {
    const r = route("payment_demand", "2026-03-01T09:00:00Z");
    expect(r.channels).toEqual(["paper"]);
    expect(r.decisions.find((d) => d.channel === "paper")?.reason).toBe("payment_demand_on_paper");
  });

  it("sends payment demands by email when the policy flag is off", () => {
    const r = route("payment_demand", "2026-03-01T09:00:00Z", undefined, { ...policy, paymentDemandsOnPaper: false });
    expect(r.channels).toEqual(["email"]);
  });

  it("keeps everything generated before the start date on paper, in Warsaw time", () => {
    const early = consentAsOf("F1", chain(["2021-06-01T09:00:00Z", both]), "2021-08-31T21:59:59Z", 14);
    expect(route("water_bill", "2021-08-31T21:59:59Z", early).channels).toEqual(["paper"]);
    expect(route("water_bill", "2021-08-31T21:59:59Z", early).decisions[0].reason).toBe("before_electronic_start");
    // 2021-09-01 00:00 in Warsaw (CEST) is 2021-08-31T22:00Z
    expect(route("water_bill", "2021-08-31T22:00:00Z", early).channels).toEqual(["email"]);
    expect(localMidnight("2021-09-01", "Europe/Warsaw")).toBe(Date.parse("2021-08-31T22:00:00Z"));
    expect(localMidnight("2021-12-01", "Europe/Warsaw")).toBe(Date.parse("2021-11-30T23:00:00Z"));
  });

  it("sends letters on paper and SMS-only notices nowhere without consent", () => {
    const none = emptyConsent("F1");
    expect(route("water_bill", "2026-03-01T09:00:00Z", none).channels).toEqual(["paper"]);
    expect(route("outage", "2026-03-01T09:00:00Z", none).channels).toEqual([]);
  });

  it("after a withdrawal sends letters on paper", () => {
    const withdrawn = chain(
      ["2026-01-10T09:00:00Z", both],
      ["2026-02-10T09:00:00Z", { type: "withdrawn", payload: { channels: "all", via: "kiosk" } }],
    );
    const s = consentAsOf("F1", withdrawn, "2026-03-01T00:00:00Z", 14);
    expect(route("water_bill", "2026-03-01T00:00:00Z", s).decisions).toContainEqual({
      channel: "email",
      send: false,
      reason: "withdrawn",
    });
    expect(route("water_bill", "2026-03-01T00:00:00Z", s).channels).toEqual(["paper"]);
    expect(route("outage", "2026-03-01T00:00:00Z", s).channels).toEqual([]);
  });

  it("a partial withdrawal of SMS keeps email", () => {
    const partial = chain(
      ["2026-01-10T09:00:00Z", both],
      ["2026-02-10T09:00:00Z", { type: "withdrawn", payload: { channels: ["sms"], via: "sms" } }],
    );
    const s = consentAsOf("F1", partial, "2026-03-01T00:00:00Z", 14);
    expect(route("payment_reminder", "2026-03-01T00:00:00Z", s).channels).toEqual(["email"]);
    expect(route("outage", "2026-03-01T00:00:00Z", s).channels).toEqual([]);
  });

  it("a failing email sends the letter on paper and tells the office", () => {
    const failing = chain(
      ["2026-01-10T09:00:00Z", both],
      [
        "2026-02-10T09:00:00Z",
        { type: "contact_failing", payload: { channel: "email", contact: "jan@wp.pl", reason: "552 mailbox full" } },
      ],
    );
    const s = consentAsOf("F1", failing, "2026-03-01T00:00:00Z", 14);
    const r = route("water_bill", "2026-03-01T00:00:00Z", s);
    expect(r.channels).toEqual(["paper"]);
    expect(r.notifyOffice).toBe(true);
    expect(r.failingChannels).toEqual(["email"]);
    const restored = chain(
      ["2026-01-10T09:00:00Z", both],
      [
        "2026-02-10T09:00:00Z",
        { type: "contact_failing", payload: { channel: "email", contact: "jan@wp.pl", reason: "552 mailbox full" } },
      ],
      ["2026-02-20T09:00:00Z", { type: "contact_restored", payload: { channel: "email", contact: "jan@wp.pl" } }],
    );
    const s2 = consentAsOf("F1", restored, "2026-03-01T00:00:00Z", 14);
    expect(route("water_bill", "2026-03-01T00:00:00Z", s2).channels).toEqual(["email"]);
  });

  it("routes by the consent as it was when the letter was generated", () => {
    const history = chain(
      ["2026-01-10T09:00:00Z", both],
      ["2026-02-10T09:00:00Z", { type: "withdrawn", payload: { channels: "all", via: "kiosk" } }],
    );
    const generated = "2026-02-01T00:00:00Z";
    expect(route("water_bill", generated, consentAsOf("F1", history, generated, 14)).channels).toEqual(["email"]);
  });

  it("an office rejection in the grace period sends everything back to paper", () => {
    const rejected = chain(
      ["2026-01-10T09:00:00Z", both],
      ["2026-01-12T09:00:00Z", { type: "office_rejected", payload: { reason: "not_an_owner", rejectedSeq: 1 } }],
    );
    const s = consentAsOf("F1", rejected, "2026-03-01T00:00:00Z", 14);
    expect(route("water_bill", "2026-03-01T00:00:00Z", s).decisions.at(-1)).toEqual({
      channel: "paper",
      send: true,
      reason: "rejected_by_office",
    });
  });

  it("a contact update keeps electronic delivery running; a new co-owner gets a new grace period", () => {
    const history = chain(
      ["2026-01-10T09:00:00Z", both],
      ["2026-03-01T09:00:00Z", { type: "contacts_updated", payload: { ...both.payload, email: "nowy@wp.pl" } }],
      [
        "2026-04-01T09:00:00Z",
        {
          type: "recipient_replaced",
          payload: { email: "anna@o2.pl", channels: ["email"], consentVersion: "v1", previousOwnerId: "O1" },
        },
        "O2",
      ],
    );
    expect(
      route("water_bill", "2026-03-02T00:00:00Z", consentAsOf("F1", history, "2026-03-02T00:00:00Z", 14)).channels,
    ).toEqual(["email"]);
    const afterTakeover = consentAsOf("F1", history, "2026-04-05T00:00:00Z", 14);
    expect(afterTakeover.designatedRecipient).toBe("O2");
    expect(afterTakeover.email).toBe("anna@o2.pl");
    expect(route("water_bill", "2026-04-05T00:00:00Z", afterTakeover).channels).toEqual(["paper"]);
    expect(
      route("water_bill", "2026-04-16T00:00:00Z", consentAsOf("F1", history, "2026-04-16T00:00:00Z", 14)).channels,
    ).toEqual(["email"]);
  });
});

describe("routing properties", () => {
  const category = fc.constantFrom(...CATEGORIES);
  const instant = fc
    .date({ min: new Date("2019-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
    .map((d) => d.toISOString());
  const body = fc.oneof(
    fc.constant(both),
    fc.constant<ConsentEventBody>({ type: "withdrawn", payload: { channels: ["sms"], via: "kiosk" } }),
    fc.constant<ConsentEventBody>({ type: "withdrawn", payload: { channels: "all", via: "kiosk" } }),
    fc.constant<ConsentEventBody>({
      type: "contact_failing",
      payload: { channel: "email", contact: "jan@wp.pl", reason: "550" },
    }),
    fc.constant<ConsentEventBody>({ type: "contact_restored", payload: { channel: "email", contact: "jan@wp.pl" } }),
  );
  const history = fc
    .array(fc.tuple(instant, body), { maxLength: 6 })
    .map((items) => chain(...items.sort((a, b) => a[0].localeCompare(b[0]))));

  it("never routes a payment demand electronically while the policy is on", () => {
    fc.assert(
      fc.property(history, instant, (events, at) => {
        const r = routeCorrespondence(
          { category: "payment_demand", generatedAt: at },
          consentAsOf("F1", events, at, 14),
          policy,
        );
        expect(r.channels).toEqual(["paper"]);
      }),
    );
  });

  it("never sends anything generated before the start date electronically", () => {
    fc.assert(
      fc.property(history, category, instant, (events, cat, at) => {
        fc.pre(at < "2021-08-31T22:00:00Z");
        const r = routeCorrespondence({ category: cat, generatedAt: at }, consentAsOf("F1", events, at, 14), policy);
        expect(r.channels.filter((c) => c !== "paper")).toEqual([]);
      }),
    );
  });

  it("never sends electronically within 14 days of the latest enrolment", () => {
    fc.assert(
      fc.property(instant, category, fc.integer({ min: 0, max: 14 * 86_400_000 - 1 }), (enrolledAt, cat, delay) => {
        const events = chain([enrolledAt, both]);
        const at = new Date(Date.parse(enrolledAt) + delay).toISOString();
        const r = routeCorrespondence({ category: cat, generatedAt: at }, consentAsOf("F1", events, at, 14), policy);
        expect(r.channels.filter((c) => c !== "paper")).toEqual([]);
      }),
    );
  });

  it("every letter reaches the person: an email letter not sent by email goes on paper", () => {
    fc.assert(
      fc.property(history, category, instant, (events, cat, at) => {
        const r = routeCorrespondence({ category: cat, generatedAt: at }, consentAsOf("F1", events, at, 14), policy);
        if (ANNOUNCEMENT_CHANNELS[cat].includes("email"))
          expect(r.channels.includes("email") || r.channels.includes("paper")).toBe(true);
        else expect(r.channels).not.toContain("paper");
        for (const d of r.decisions) expect(d.reason).toBeTruthy();
      }),
    );
  });
});

describe("consents from the paper register", () => {
  // The cooperative has collected paper forms since 2021; they reach the register years later.
  const paperForm: ConsentEventBody = {
    type: "enrolled",
    payload: {
      email: "jan@wp.pl",
      channels: ["email"],
      consentVersion: "paper-2021",
      source: "paper_import",
      appliedAt: "2021-10-04T00:00:00.000Z",
      formReference: "F/2021/0117",
      enteredBy: "Katarzyna Nowak",
    },
  };
  const imported = chain(["2026-11-30T10:00:00Z", paperForm]);

  it("routes a 2022 letter for a flat that applied on paper in 2021 electronically", () => {
    const generatedAt = "2022-03-01T09:00:00Z";
    const r = routeCorrespondence(
      { category: "water_bill", generatedAt },
      consentAsOf("F1", imported, generatedAt, 14),
      policy,
    );
    expect(r.channels).toEqual(["email"]);
  });

  it("keeps paper for 14 days after the date on the form, not after the import", () => {
    const generatedAt = "2021-10-10T09:00:00Z";
    const r = routeCorrespondence(
      { category: "water_bill", generatedAt },
      consentAsOf("F1", imported, generatedAt, 14),
      policy,
    );
    expect(r.decisions).toContainEqual({ channel: "email", send: false, reason: "grace_period" });
  });

  it("does not let an old paper form imported late override a newer kiosk enrolment", () => {
    const kiosk: ConsentEventBody = {
      type: "enrolled",
      payload: { email: "nowy@wp.pl", channels: ["email"], consentVersion: "v1", source: "kiosk" },
    };
    const events = chain(["2025-05-05T10:00:00Z", kiosk], ["2026-11-30T10:00:00Z", paperForm]);
    expect(consentAsOf("F1", events, null, 14).email).toBe("nowy@wp.pl");
    expect(consentAsOf("F1", events, "2022-01-01T00:00:00Z", 14).email).toBe("jan@wp.pl");
  });
});
