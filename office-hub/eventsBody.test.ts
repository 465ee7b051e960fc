/**
 * The hub's hand-written check of a register events push body against the published zod schema:
 * both must accept and refuse the same bodies (the hub falls back to zod for the error message).
 */
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, seal } from "../gateway/domain/registerEvents.ts";
import { eventsPushBodySchema } from "../gateway/office/pushContract.ts";
import { isEventsPushBody } from "./eventsBody.ts";

function validBody(count = 3): Record<string, unknown> {
  const events: unknown[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const event = seal({
      seq,
      type: seq === 3 ? "withdrawn" : "enrolled",
      flatCode: `A-${seq}`,
      ownerId: seq === 2 ? null : `O-${seq}`,
      payload: seq === 3 ? { channels: "all", via: "kiosk" } : { email: `r${seq}@example.pl`, channels: ["email"] },
      occurredAt: `2026-03-02T08:00:0${seq}.000Z`,
      prevHash,
    } as never);
    prevHash = event.hash;
    events.push(event);
  }
  // Through JSON, as the hub gets it.
  return JSON.parse(JSON.stringify({ events, next_cursor: count, head_seq: count, has_more: false }));
}

const agrees = (json: unknown) => {
  const zod = eventsPushBodySchema.safeParse(json).success;
  expect({ json, verdict: isEventsPushBody(json) }).toEqual({ json, verdict: zod });
  return zod;
};

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -0,
  1,
  -1,
  1.5,
  2 ** 53,
  2 ** 53 - 1,
  1e300,
  "",
  "1",
  "enrolled",
  "x".repeat(64),
  "0".repeat(63),
  "A".repeat(64),
  "a".repeat(64),
  `${"a".repeat(64)}\n`,
  [],
  [1],
  {},
  { a: 1 },
];

describe("the hand-written check of a pushed events body", () => {
  it("accepts what the contract's schema accepts: real chains, empty batches, unknown extra keys", () => {
    expect(agrees(validBody())).toBe(true);
    expect(agrees(validBody(0))).toBe(true);
    const extra = validBody();
    extra.note = "ignored";
    (extra.events as Array<Record<string, unknown>>)[0].extra = 1;
    expect(agrees(extra)).toBe(true);
  });

  it("refuses what the schema refuses, field by field, and agrees on every odd value", () => {
    let refused = 0;
    for (const key of ["events", "next_cursor", "head_seq", "has_more"]) {
      for (const value of ODD_VALUES) {
        const body = validBody();
        if (value === undefined) delete body[key];
        else body[key] = value;
        if (!agrees(body)) refused++;
      }
    }
    for (const key of ["seq", "type", "flatCode", "ownerId", "payload", "occurredAt", "prevHash", "hash"]) {
      for (const value of ODD_VALUES) {
        for (const index of [0, 2]) {
          const body = validBody();
          const event = (body.events as Array<Record<string, unknown>>)[index];
          if (value === undefined) delete event[key];
          else event[key] = value;
          if (!agrees(body)) refused++;
        }
      }
    }
    for (const value of ODD_VALUES) {
      const body = validBody();
      (body.events as unknown[])[1] = value;
      if (!agrees(body)) refused++;
    }
    for (const value of ODD_VALUES) if (!agrees(value)) refused++;
    expect(refused).toBeGreaterThan(200);
  });

  it("leaves a payload with its own __proto__ key to zod, whose copy drops it", () => {
    const body = validBody();
    (body.events as Array<Record<string, unknown>>)[0].payload = JSON.parse('{"__proto__":{"x":1},"email":"a@b.pl"}');
    expect(eventsPushBodySchema.safeParse(body).success).toBe(true);
    expect(isEventsPushBody(body)).toBe(false);
  });

  it("agrees on a thousand random corruptions of a real body", () => {
    let seed = 18;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    for (let i = 0; i < 1000; i++) {
      const body = validBody(4);
      const events = body.events as Array<Record<string, unknown>>;
      const target: Record<string, unknown> = random() < 0.2 ? body : pick(events);
      const key = pick([...Object.keys(target), "payload", "seq"]);
      const value = pick(ODD_VALUES);
      if (value === undefined) delete target[key];
      else target[key] = value;
      agrees(body);
    }
  });
});
