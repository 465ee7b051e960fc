import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ConsentEvent,
  canonicalEnvelope,
  canonicalJson,
  GENESIS_HASH,
  seal,
  verifyChain,
} from "./registerEvents.ts";

const event = fc.record({
  seq: fc.integer({ min: 1, max: 2 ** 40 }),
  type: fc.constantFrom("enrolled", "withdrawn", "contact_failing"),
  flatCode: fc.string(),
  ownerId: fc.option(fc.string(), { nil: null }),
  occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  prevHash: fc.string(),
  payload: fc.jsonValue(),
});

describe("register event hashing", () => {
  it("builds exactly the RFC 8785 canonical JSON of the envelope (property, against the canonicalize library)", () => {
    fc.assert(
      fc.property(event, (e) => {
        const expected = canonicalize({ ...e });
        expect(canonicalEnvelope(e as never, canonicalJson(e.payload))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("serialises any JSON value exactly as the canonicalize library does, index-like and unsorted keys included", () => {
    const keyed = fc.dictionary(
      fc.oneof(fc.string(), fc.nat().map(String), fc.constantFrom("0", "10", "2", "01")),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), keyed, fc.array(keyed)), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 1000 },
    );
    const nested = { z: [{ b: 1, a: new Date(0) }], a: { "2": true, "10": null, x: "\u2028" }, m: undefined };
    expect(canonicalJson(nested)).toBe(canonicalize(nested));
  });

  it("keeps a key named __proto__ as data when it sorts the keys (found by the property test)", () => {
    const payload = JSON.parse('{" ":"","":null,"__proto__":[]}');
    expect(canonicalJson(payload)).toBe(canonicalize(payload));
    expect(canonicalJson(payload)).toBe('{"":null," ":"","__proto__":[]}');
  });

  it("a chain of sealed events verifies, and changing any field of any event breaks it there", () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 8 }), fc.nat(), (items, pick) => {
        let prevHash = GENESIS_HASH;
        const chain: ConsentEvent[] = items.map((e, i) => {
          const sealed = seal({ ...e, seq: i + 1, prevHash } as never);
          prevHash = sealed.hash;
          return sealed;
        });
        expect(verifyChain(chain)).toMatchObject({ ok: true, count: chain.length });
        const at = pick % chain.length;
        const tampered = chain.map((e, i) => (i === at ? { ...e, flatCode: `${e.flatCode}x` } : e));
        expect(verifyChain(tampered)).toMatchObject({ ok: false, firstBadSeq: at + 1 });
      }),
      { numRuns: 200 },
    );
  });
});
