import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseOfficeDate, resolveOfficeDate, zoneOffsetAt } from "./officeDate.ts";

const WARSAW = "Europe/Warsaw";
const at = (text: string, edge: "start" | "end" = "start") => resolveOfficeDate(text, WARSAW, edge);

describe("office dates", () => {
  it("accepts only ISO 8601 dates and date-times that are on the calendar", () => {
    for (const bad of [
      "2021-02-30",
      "2023-02-29",
      "1900-02-29",
      "2021-13-01",
      "2021-00-10",
      "2021-04-31",
      "12",
      "2021",
      "2021-03",
      "20210301",
      "2021-W09-1",
      "2021-060",
      "2021-03-01T",
      "2021-03-01T10",
      "2021-03-01 10:00",
      "2021-03-01T24:00",
      "2021-03-01T10:60",
      "2021-03-01T10:00:60",
      "2021-03-01T10:00+24:00",
      "2021-03-01T10:00+01:60",
      "2021-03-01T10:00z",
      " 2021-03-01",
    ]) {
      expect(parseOfficeDate(bad), bad).toBeNull();
    }
    for (const good of [
      "2024-02-29",
      "2000-02-29",
      "2021-12-31",
      "2021-03-01T00:00",
      "2021-03-01T23:59:59",
      "2021-03-01T23:59:59.999999999",
      "2021-03-01T10:00Z",
      "2021-03-01T10:00-05:30",
    ]) {
      expect(parseOfficeDate(good), good).not.toBeNull();
    }
  });

  it("reads a time with an offset as that instant", () => {
    expect(at("2026-03-02T10:00:00Z")).toBe("2026-03-02T10:00:00.000Z");
    expect(at("2026-03-02T10:00:00.1234+02:00")).toBe("2026-03-02T08:00:00.123Z");
    expect(at("2026-03-02T10:00-05:30")).toBe("2026-03-02T15:30:00.000Z");
  });

  it("reads a time without an offset as Warsaw local time, in winter and in summer", () => {
    expect(at("2026-01-15T12:00")).toBe("2026-01-15T11:00:00.000Z");
    expect(at("2026-07-15T12:00")).toBe("2026-07-15T10:00:00.000Z");
  });

  it("takes the first of the two autumn 02:30s and moves the missing spring 02:30 forward by the gap", () => {
    expect(at("2026-10-25T02:30")).toBe("2026-10-25T00:30:00.000Z"); // 02:30+02:00
    expect(at("2026-10-25T03:00")).toBe("2026-10-25T02:00:00.000Z"); // 03:00+01:00
    expect(at("2026-03-29T02:30")).toBe("2026-03-29T01:30:00.000Z"); // 03:30+02:00
    expect(at("2026-03-29T03:00")).toBe("2026-03-29T01:00:00.000Z");
  });

  it("spans a whole Warsaw day for a date alone, the 23- and 25-hour days included", () => {
    expect(at("2026-03-02", "start")).toBe("2026-03-01T23:00:00.000Z");
    expect(at("2026-03-02", "end")).toBe("2026-03-02T22:59:59.999Z");
    expect(at("2026-07-01", "end")).toBe("2026-07-01T21:59:59.999Z");
    const hours = (d: string) => (Date.parse(at(d, "end")!) + 1 - Date.parse(at(d, "start")!)) / 3_600_000;
    expect(hours("2026-03-29")).toBe(23);
    expect(hours("2026-10-25")).toBe(25);
    expect(at("0050-06-01T12:00Z")).toBe("0050-06-01T12:00:00.000Z");
  });

  it("gives back every instant from its Warsaw wall-clock text, except the repeated autumn hour's second pass (Intl as the oracle)", () => {
    const wall = new Intl.DateTimeFormat("sv-SE", {
      timeZone: WARSAW,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1980, 0, 1), max: Date.UTC(2060, 0, 1) }), (ms) => {
        const instant = ms - (ms % 1000);
        const text = wall.format(instant).replace(" ", "T");
        const back = Date.parse(at(text)!);
        const repeated = zoneOffsetAt(instant - 3_600_000, WARSAW) > zoneOffsetAt(instant, WARSAW);
        expect(back).toBe(repeated ? instant - 3_600_000 : instant);
      }),
      { numRuns: 2000, seed: 15 },
    );
  });
});
