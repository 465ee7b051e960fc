import { describe, expect, it } from "vitest";
import { wrap } from "./slip.ts";

describe("wrapping slip text", () => {
  it("breaks at spaces and indents continuation lines", () => {
    expect(wrap("E-mail: rachunki za wodę, informacje o zmianie opłat", 20, 2)).toEqual([
      "E-mail: rachunki za",
      "  wodę, informacje o",
      "  zmianie opłat",
    ]);
  });

  it("cuts a word longer than the line", () => {
    expect(wrap("Nr: ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10)).toEqual(["Nr:", "ABCDEFGHIJ", "KLMNOPQRST", "UVWXYZ"]);
  });

  it("never returns a line wider than the paper", () => {
    const text = "Zażółć gęślą jaźń ".repeat(20) + "x".repeat(70);
    for (const width of [32, 48])
      for (const line of wrap(text, width, 2)) expect(line.length).toBeLessThanOrEqual(width);
  });

  it("keeps an empty text as one empty line", () => {
    expect(wrap("   ", 32)).toEqual([""]);
  });
});
