/** Buildings → staircases → flats for the kiosk's big buttons, and human labels for flats. */
import { asc, eq } from "drizzle-orm";
import { buildings, flats } from "../../db/schema/index.ts";
import type { DbOrTx } from "../deps.ts";

export interface Directory {
  buildings: Array<{
    id: string;
    address: string;
    staircases: Array<{ name: string; flats: Array<{ code: string; number: string }> }>;
  }>;
}

const byNumber = (a: { number: string }, b: { number: string }) =>
  a.number.localeCompare(b.number, "pl", { numeric: true });

export function flatDirectory(db: DbOrTx): Directory {
  const rows = db.select().from(flats).where(eq(flats.active, true)).all();
  const out: Directory = { buildings: [] };
  for (const b of db.select().from(buildings).orderBy(asc(buildings.address)).all()) {
    const own = rows.filter((f) => f.buildingId === b.id);
    if (own.length === 0) continue;
    const names = [...new Set(own.map((f) => f.staircase))].sort((x, y) => x.localeCompare(y, "pl", { numeric: true }));
    out.buildings.push({
      id: b.id,
      address: b.address,
      staircases: names.map((name) => ({
        name,
        flats: own
          .filter((f) => f.staircase === name)
          .sort(byNumber)
          .map((f) => ({ code: f.code, number: f.number })),
      })),
    });
  }
  return out;
}

/** "ul. Kelecka 10 kl. A m. 12" (klatka, mieszkanie). */
export function flatLabel(db: DbOrTx, flatCode: string): string {
  const row = db
    .select({ address: buildings.address, staircase: flats.staircase, number: flats.number })
    .from(flats)
    .innerJoin(buildings, eq(buildings.id, flats.buildingId))
    .where(eq(flats.code, flatCode))
    .get();
  return row ? `${row.address} kl. ${row.staircase} m. ${row.number}` : flatCode;
}
