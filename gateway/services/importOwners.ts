/**
 * Loads the office's owners register (buildings, flats, owners, shares, verification codes).
 * Idempotent; every row is validated and rejected rows are reported; owners and shares that
 * disappear lose eligibility while their consent events stay in the register.
 */
import { and, eq, TransactionRollbackError } from "drizzle-orm";
import type * as z from "zod";
import { buildings, flats, owners, ownershipShares } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { surnameKey } from "../domain/eligibility.ts";
import {
  BuildingRow,
  FlatRow,
  OwnerRow,
  type OwnersRegister,
  OwnersUpload,
  ShareRow,
} from "../office/contract/owners.ts";
import { hashSecret, verifySecret } from "../secrets.ts";

/** The upload as the route checked it: four lists whose rows are checked here, one by one. */
export const ownersRegisterSchema = OwnersUpload;

export type { OwnersRegister };

export interface RejectedRow {
  section: keyof OwnersRegister;
  index: number;
  reason: string;
}

export interface ImportResult {
  accepted: Record<keyof OwnersRegister, number>;
  rejected: RejectedRow[];
  deactivatedOwners: number;
  deactivatedShares: number;
}

function pick<T>(
  section: keyof OwnersRegister,
  rows: unknown[],
  schema: z.ZodType<T>,
  rejected: RejectedRow[],
): Array<{ row: T; index: number }> {
  const out: Array<{ row: T; index: number }> = [];
  rows.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) out.push({ row: parsed.data, index });
    else
      rejected.push({
        section,
        index,
        reason: `${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`,
      });
  });
  return out;
}

export function importOwners(
  deps: Pick<CoreDeps, "db" | "logger">,
  input: z.infer<typeof ownersRegisterSchema>,
  options: { dryRun?: boolean } = {},
): ImportResult & { dryRun: boolean } {
  const rejected: RejectedRow[] = [];
  const bRows = pick("buildings", input.buildings, BuildingRow, rejected);
  const bIds = new Set(bRows.map((b) => b.row.id));
  const existingBuildings = new Set(
    deps.db
      .select({ id: buildings.id })
      .from(buildings)
      .all()
      .map((b) => b.id),
  );
  const fRows = pick("flats", input.flats, FlatRow, rejected).filter(({ row, index }) => {
    if (bIds.has(row.buildingId) || existingBuildings.has(row.buildingId)) return true;
    rejected.push({ section: "flats", index, reason: `buildingId: unknown building ${row.buildingId}` });
    return false;
  });
  const flatCodes = new Set(fRows.map((f) => f.row.code));
  const oRows = pick("owners", input.owners, OwnerRow, rejected);
  const ownerIds = new Set(oRows.map((o) => o.row.id));
  const existingFlats = new Set(
    deps.db
      .select({ code: flats.code })
      .from(flats)
      .all()
      .map((f) => f.code),
  );
  const sRows = pick("shares", input.shares, ShareRow, rejected).filter(({ row, index }) => {
    if (!flatCodes.has(row.flatCode) && !existingFlats.has(row.flatCode)) {
      rejected.push({ section: "shares", index, reason: `flatCode: unknown flat ${row.flatCode}` });
      return false;
    }
    if (!ownerIds.has(row.ownerId)) {
      rejected.push({ section: "shares", index, reason: `ownerId: owner ${row.ownerId} is not in this register` });
      return false;
    }
    return true;
  });

  let deactivatedOwners = 0;
  let deactivatedShares = 0;
  try {
    deps.db.transaction((tx) => {
      for (const { row } of bRows) {
        tx.insert(buildings)
          .values(row)
          .onConflictDoUpdate({ target: buildings.id, set: { address: row.address, city: row.city } })
          .run();
      }
      const secrets = new Map(
        tx
          .select({ code: flats.code, secretHash: flats.secretHash })
          .from(flats)
          .all()
          .map((f) => [f.code, f.secretHash]),
      );
      for (const { row } of fRows) {
        const stored = secrets.get(row.code);
        // Re-hash only when the code changed, so a repeated import is cheap and truly idempotent.
        const secretHash = row.verificationCode
          ? stored && verifySecret(row.verificationCode, stored)
            ? stored
            : hashSecret(row.verificationCode)
          : (stored ?? null);
        const values = {
          code: row.code,
          buildingId: row.buildingId,
          staircase: row.staircase,
          number: row.number,
          secretHash,
          active: true,
        };
        tx.insert(flats).values(values).onConflictDoUpdate({ target: flats.code, set: values }).run();
      }
      for (const { row } of oRows) {
        const values = { ...row, surnameKey: surnameKey(row.surname), active: true };
        tx.insert(owners).values(values).onConflictDoUpdate({ target: owners.id, set: values }).run();
      }
      for (const existing of tx.select().from(owners).all()) {
        if (existing.active && !ownerIds.has(existing.id)) {
          tx.update(owners).set({ active: false }).where(eq(owners.id, existing.id)).run();
          deactivatedOwners++;
        }
      }
      const wanted = new Set(sRows.map(({ row }) => `${row.flatCode}\u0000${row.ownerId}`));
      for (const existing of tx.select().from(ownershipShares).all()) {
        if (existing.active && !wanted.has(`${existing.flatCode}\u0000${existing.ownerId}`)) {
          tx.update(ownershipShares)
            .set({ active: false })
            .where(and(eq(ownershipShares.flatCode, existing.flatCode), eq(ownershipShares.ownerId, existing.ownerId)))
            .run();
          deactivatedShares++;
        }
      }
      for (const { row } of sRows) {
        tx.insert(ownershipShares)
          .values({ ...row, active: true })
          .onConflictDoUpdate({
            target: [ownershipShares.flatCode, ownershipShares.ownerId],
            set: { role: row.role, active: true },
          })
          .run();
      }
      // A dry run computes everything, deactivations included, then undoes it.
      if (options.dryRun) tx.rollback();
    });
  } catch (err) {
    if (!(options.dryRun && err instanceof TransactionRollbackError)) throw err;
  }
  const result: ImportResult & { dryRun: boolean } = {
    dryRun: options.dryRun ?? false,
    accepted: { buildings: bRows.length, flats: fRows.length, owners: oRows.length, shares: sRows.length },
    rejected,
    deactivatedOwners,
    deactivatedShares,
  };
  deps.logger.info(
    { accepted: result.accepted, rejected: rejected.length, deactivatedOwners, deactivatedShares },
    options.dryRun ? "owners register checked (dry run, nothing changed)" : "owners register imported",
  );
  return result;
}
