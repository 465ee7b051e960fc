import { describe, expect, it } from "vitest";
import { checkEmail, checkMobile, groupPolishMobile, maskEmail, maskMobile, suggestDomain } from "./contacts.ts";

describe("mobile numbers", () => {
  it.each([
    ["600 100 200", "+48600100200"],
    ["600-100-200", "+48600100200"],
    ["+48600100200", "+48600100200"],
    ["0048 600 100 200", "+48600100200"],
    ["(+48) 512 345 678", "+48512345678"],
    ["+380 67 123 4567", "+380671234567"],
    ["+49 151 23456789", "+4915123456789"],
  ])("normalises %s to %s", (input, e164) => {
    expect(checkMobile(input)).toEqual({ valid: true, e164 });
  });

  it.each([
    ["48 362 00 00", "not_mobile"], // Radom landline
    ["22 123 45 67", "not_mobile"], // Warsaw landline
    ["800 123 456", "not_mobile"], // toll-free
    ["+49 30 1234567", "not_mobile"], // Berlin landline
    ["600 100", "too_short"],
    ["", "empty"],
    ["sześćset", "not_a_number"],
  ])("rejects %s (%s)", (input, reason) => {
    expect(checkMobile(input)).toMatchObject({ valid: false, reason });
  });

  it("groups a Polish mobile for display", () => {
    expect(groupPolishMobile("+48600100200")).toBe("600 100 200");
  });
});

describe("email addresses", () => {
  it("accepts what a browser's email input accepts, lower-cased", () => {
    expect(checkEmail(" Jan.Kowalski@WP.pl ")).toEqual({ valid: true, normalized: "jan.kowalski@wp.pl" });
  });

  it.each(["jan", "jan@", "@wp.pl", "jan kowalski@wp.pl", "jan@wp..pl", "jan@-wp.pl"])("rejects %s", (input) => {
    expect(checkEmail(input).valid).toBe(false);
  });

  it.each([
    ["jan@gmial.com", "jan@gmail.com"],
    ["jan@gmail.con", "jan@gmail.com"],
    ["jan@wp.ppl", "jan@wp.pl"],
    ["jan@onet.p", "jan@onet.pl"],
    ["jan@intreia.pl", "jan@interia.pl"],
    ["jan@gazeta.lp", "jan@gazeta.pl"],
    ["jan@poczta.onet.lp", "jan@poczta.onet.pl"],
  ])("suggests a correction for %s", (input, suggestion) => {
    expect(checkEmail(input).suggestion).toBe(suggestion);
  });

  it("suggests a fix for a comma typed instead of a dot", () => {
    expect(checkEmail("jan@gmail,com")).toMatchObject({ valid: false, suggestion: "jan@gmail.com" });
  });

  it("does not suggest anything for well-known or unrelated domains", () => {
    expect(suggestDomain("gmail.com")).toBeUndefined();
    expect(suggestDomain("naszdom.radom.pl")).toBeUndefined();
    expect(checkEmail("anna@o2.pl").suggestion).toBeUndefined();
  });

  it("masks contacts for slips and the status screen", () => {
    expect(maskEmail("jan.kowalski@gmail.com")).toBe("j***@gmail.com");
    expect(maskMobile("+48600100200")).toBe("+48 *** *** 200");
  });
});
