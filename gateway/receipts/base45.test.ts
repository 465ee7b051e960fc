import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base45Decode, base45Encode } from "./base45.ts";

describe("base45 (RFC 9285)", () => {
  it("matches the RFC's examples", () => {
    expect(base45Encode(Buffer.from("AB"))).toBe("BB8");
    expect(base45Encode(Buffer.from("Hello!!"))).toBe("%69 VD92EX0");
    expect(base45Encode(Buffer.from("base-45"))).toBe("UJCLQE7W581");
    expect(base45Decode("QED8WEX0")?.toString()).toBe("ietf!");
  });

  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(base45Decode(base45Encode(bytes))).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it("refuses text that is not base45", () => {
    expect(base45Decode("GGW")).toBeNull(); // 65535 < value
    expect(base45Decode("abc")).toBeNull();
    expect(base45Decode("BB8B")).toBeNull();
  });
});
