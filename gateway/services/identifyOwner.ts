/**
 * Identifies an owner at the kiosk: flat + surname + the code the owner already has. Only an
 * owner or co-owner gets through; after N failures for a flat, a cool-down. The answer never
 * reveals which part was wrong, or who owns the flat.
 */
import { and, eq, gt } from "drizzle-orm";
import { flats, identifyAttempts, owners, ownershipShares } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { surnameKey } from "../domain/eligibility.ts";
import { hashSecret, verifySecret } from "../domain/secrets.ts";
import { KioskError } from "../errors.ts";

/** Compared against when the flat is unknown, so failures take the same time either way. */
const DECOY = hashSecret("000000");

export interface IdentifiedOwner {
  flatCode: string;
  ownerId: string;
  firstName: string;
  surname: string;
}

export function identifyOwner(
  deps: CoreDeps,
  input: { flatCode: string; surname: string; ownerCode: string },
): IdentifiedOwner {
  const { identifyMaxFailures, identifyCooldownMinutes } = deps.config.verification;
  const now = deps.clock.now();
  const windowStart = new Date(now.getTime() - identifyCooldownMinutes * 60_000).toISOString();
  const recent = deps.db
    .select()
    .from(identifyAttempts)
    .where(and(eq(identifyAttempts.flatCode, input.flatCode), gt(identifyAttempts.at, windowStart)))
    .all();
  let failures = 0;
  let lastFailure = 0;
  for (const attempt of recent) {
    if (attempt.success) failures = 0;
    else {
      failures++;
      lastFailure = Math.max(lastFailure, Date.parse(attempt.at));
    }
  }
  if (failures >= identifyMaxFailures) {
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((lastFailure + identifyCooldownMinutes * 60_000 - now.getTime()) / 1000),
    );
    throw new KioskError("IDENTIFY_COOLDOWN", "too many failed attempts for this flat", { retryAfterSeconds });
  }

  const flat = deps.db.select().from(flats).where(eq(flats.code, input.flatCode)).get();
  const key = surnameKey(input.surname);
  const candidates = flat
    ? deps.db
        .select({ id: owners.id, firstName: owners.firstName, surname: owners.surname, surnameKey: owners.surnameKey })
        .from(ownershipShares)
        .innerJoin(owners, eq(owners.id, ownershipShares.ownerId))
        .where(
          and(eq(ownershipShares.flatCode, input.flatCode), eq(ownershipShares.active, true), eq(owners.active, true)),
        )
        .all()
    : [];
  const codeOk =
    verifySecret(input.ownerCode, flat?.secretHash ?? DECOY) && Boolean(flat?.secretHash) && Boolean(flat?.active);
  const owner = candidates.find((c) => c.surnameKey === key);
  const success = Boolean(codeOk && owner);

  deps.db.insert(identifyAttempts).values({ flatCode: input.flatCode, at: now.toISOString(), success }).run();
  if (!success || !owner) {
    throw new KioskError("IDENTIFY_FAILED", "the data does not match our register", {
      attemptsLeft: Math.max(0, identifyMaxFailures - failures - 1),
    });
  }
  return { flatCode: input.flatCode, ownerId: owner.id, firstName: owner.firstName, surname: owner.surname };
}
