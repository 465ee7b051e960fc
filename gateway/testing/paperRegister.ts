/** A small owners register and paper-register CSV files for the paper-register tests and bench. */

import type { CoreDeps } from "../deps.ts";
import { importOwners } from "../services/importOwners.ts";

export const PAPER_HEADER = "flat,owner,email,mobile,channels,received_on,form_reference,entered_by";

/** Flats B1-1 … B1-n, owner O<i> each; B1-2 also has co-owner O2b (both surnamed Nowak). */
export function seedOwners(deps: Pick<CoreDeps, "db" | "logger">, flats = 3): void {
  const result = importOwners(deps, {
    buildings: [{ id: "B1", address: "ul. Kelecka 10", city: "Radom" }],
    flats: Array.from({ length: flats }, (_, i) => ({
      code: `B1-${i + 1}`,
      buildingId: "B1",
      staircase: "A",
      number: String(i + 1),
    })),
    owners: [
      ...Array.from({ length: flats }, (_, i) => ({
        id: `O${i + 1}`,
        firstName: i === 1 ? "Anna" : "Jan",
        surname: i === 1 ? "Nowak" : `Kowalski${i + 1}`,
      })),
      { id: "O2b", firstName: "Piotr", surname: "Nowak" },
    ],
    shares: [
      ...Array.from({ length: flats }, (_, i) => ({ flatCode: `B1-${i + 1}`, ownerId: `O${i + 1}`, role: "owner" })),
      { flatCode: "B1-2", ownerId: "O2b", role: "co_owner" },
    ],
  });
  if (result.rejected.length) throw new Error(`owners register rejected: ${JSON.stringify(result.rejected)}`);
}

/** `rows` forms for distinct flats, one a day from 2021-09-01, references P/2021/00001… */
export function paperCsv(rows: number): string {
  const lines = [PAPER_HEADER];
  for (let i = 0; i < rows; i++) {
    const date = new Date(Date.UTC(2021, 8, 1) + Math.floor(i / 10) * 86_400_000).toISOString().slice(0, 10);
    const n = String(i + 1).padStart(5, "0");
    lines.push(
      `B1-${i + 1},O${i + 1},lokator${i + 1}@wp.pl,60${String(1_000_000 + i).slice(-7)},email+sms,${date},P/2021/${n},Katarzyna Nowak`,
    );
  }
  return `${lines.join("\n")}\n`;
}
