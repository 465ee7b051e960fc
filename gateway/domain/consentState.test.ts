import { describe, expect, it } from "vitest";
import { applyEvent, consentAsOf, deriveAll, emptyConsent, type FlatConsent } from "./consentState.ts";
import type { ConsentEvent, ConsentEventBody } from "./registerEvents.ts";

/** A fixed-seed stream of every event type over a few flats, people and addresses. */
function events(count: number, seed: number): ConsentEvent[] {
  let s = seed;
  const pick = <T>(xs: readonly T[]): T => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return xs[s % xs.length];
  };
  const emails = ["a@wp.pl", "b@wp.pl", undefined];
  const mobiles = ["+48600000001", "+48600000002", undefined];
  const out: ConsentEvent[] = [];
  for (let i = 0; i < count; i++) {
    const contacts = { email: pick(emails), mobile: pick(mobiles) };
    const bodies: ConsentEventBody[] = [
      {
        type: "enrolled",
        payload: { ...contacts, channels: pick([["email"], ["sms"], ["email", "sms"]]), consentVersion: "v1" },
      },
      {
        type: "contacts_updated",
        payload: { ...contacts, channels: ["email", "sms"], consentVersion: "v2", language: "uk" },
      },
      {
        type: "recipient_replaced",
        payload: { ...contacts, previousOwnerId: "O1", channels: ["email"], consentVersion: "v1" },
      },
      { type: "withdrawn", payload: { channels: pick([["email"], ["sms"], "all"] as const), via: "kiosk" } },
      { type: "office_rejected", payload: { reason: "nie ten lokal", rejectedSeq: i } },
      {
        type: "contact_failing",
        payload: {
          channel: pick(["email", "sms"] as const),
          contact: pick(["a@wp.pl", "+48600000001"]),
          reason: "550",
        },
      },
      {
        type: "contact_restored",
        payload: { channel: pick(["email", "sms"] as const), contact: pick(["a@wp.pl", "+48600000001"]) },
      },
    ];
    const late = pick([false, false, false, true]);
    const body = pick(bodies);
    if (late && body.type === "enrolled")
      Object.assign(body.payload, { source: "paper_form", appliedAt: "2026-01-01T00:00:00.000Z" });
    out.push({
      ...body,
      seq: i + 1,
      flatCode: pick(["F1", "F2", "F3"]),
      ownerId: pick(["O1", "O2", null]),
      occurredAt: new Date(Date.UTC(2026, 1, 1) + i * 3_600_000).toISOString(),
      prevHash: "",
      hash: "",
    } as ConsentEvent);
  }
  return out;
}

/** The reference: every event applied to a fresh copy, in the order the events took effect. */
function byCopying(all: ConsentEvent[], flatCode: string): FlatConsent {
  const ordered = [...all].sort(
    (a, b) =>
      Date.parse((a.payload as { appliedAt?: string }).appliedAt ?? a.occurredAt) -
        Date.parse((b.payload as { appliedAt?: string }).appliedAt ?? b.occurredAt) || a.seq - b.seq,
  );
  let state = emptyConsent(flatCode);
  for (const event of ordered) if (event.flatCode === flatCode) state = applyEvent(state, event, 14);
  return state;
}

describe("consent state", () => {
  it("derives in place what applying every event to a fresh copy derives", () => {
    for (const seed of [1, 7, 42, 2026]) {
      const all = events(400, seed);
      const derived = deriveAll(all, null, 14);
      for (const flat of ["F1", "F2", "F3"]) {
        expect(derived.get(flat)).toEqual(byCopying(all, flat));
        expect(consentAsOf(flat, all, null, 14)).toEqual(byCopying(all, flat));
      }
    }
  });

  it("leaves the state it is given unchanged", () => {
    let state = emptyConsent("F1");
    for (const event of events(200, 3)) {
      const before = structuredClone(state);
      const next = applyEvent(state, { ...event, flatCode: "F1" }, 14);
      expect(state).toEqual(before);
      state = next;
    }
  });

  it("keeps paper for 14 days after enrolment, counted from the date on a paper form", () => {
    const [kiosk] = events(1, 1);
    const enrol = (payload: object, occurredAt: string) =>
      applyEvent(
        emptyConsent("F1"),
        {
          ...kiosk,
          type: "enrolled",
          payload: { channels: ["email"], email: "a@wp.pl", consentVersion: "v1", ...payload },
          occurredAt,
        } as ConsentEvent,
        14,
      );
    expect(enrol({}, "2026-03-01T10:00:00.000Z").channels.email.paperUntil).toBe("2026-03-15T10:00:00.000Z");
    expect(
      enrol({ source: "paper_form", appliedAt: "2026-02-01T00:00:00.000Z" }, "2026-03-01T10:00:00.000Z").channels.email
        .paperUntil,
    ).toBe("2026-02-15T00:00:00.000Z");
  });
});
