/** Loads the shares of a flat and insists the person is (still) an owner or co-owner. */
import { eq } from "drizzle-orm";
import { owners, ownershipShares } from "../../db/schema/index.ts";
import type { DbOrTx } from "../deps.ts";
import { eligibilityFor } from "../domain/eligibility.ts";
import { KioskError } from "../errors.ts";

export function requireEligible(db: DbOrTx, flatCode: string, ownerId: string): { firstName: string; surname: string } {
  const shares = db
    .select({
      ownerId: ownershipShares.ownerId,
      role: ownershipShares.role,
      active: ownershipShares.active,
      ownerActive: owners.active,
    })
    .from(ownershipShares)
    .innerJoin(owners, eq(owners.id, ownershipShares.ownerId))
    .where(eq(ownershipShares.flatCode, flatCode))
    .all();
  const verdict = eligibilityFor(ownerId, shares);
  if (!verdict.eligible)
    throw new KioskError("NOT_ELIGIBLE", "only an owner or co-owner of the flat may apply", { reason: verdict.reason });
  const owner = db.select().from(owners).where(eq(owners.id, ownerId)).get();
  if (!owner) throw new KioskError("NOT_ELIGIBLE", "unknown owner");
  return { firstName: owner.firstName, surname: owner.surname };
}
