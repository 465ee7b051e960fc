/**
 * Identifies an owner at the kiosk: flat + surname + the code the owner already has. Only an
 * owner or co-owner gets through. Guessing is slowed three ways: a cool-down per flat after N
 * failures, and growing delays per client (the kiosk, a device on the LAN) and for all clients
 * together; failures on several flats from one client alert the office. The answer never
 * reveals which part was wrong, or who owns the flat. The code is checked off the event loop.
 */
import { and, count, countDistinct, eq, gt, max } from "drizzle-orm";
import { writeCounter } from "../../db/counterWrites.ts";
import { flats, identifyAttempts, owners, ownershipShares } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { surnameKey } from "../domain/eligibility.ts";
import { type ThrottleLimits, waitMs } from "../domain/throttle.ts";
import { KioskError } from "../errors.ts";
import type { HashPool } from "../hashing.ts";
import { hashSecret } from "../secrets.ts";
import { raiseOfficeAlert } from "./raiseOfficeAlert.ts";

/** Compared against when the flat is unknown, so failures take the same time either way. */
const DECOY = hashSecret("000000");

export interface IdentifiedOwner {
  flatCode: string;
  ownerId: string;
  firstName: string;
  surname: string;
}

type IdentifyDeps = CoreDeps & { hashing: HashPool };

/** What an identification's hash counts against while in flight (see HashPool.pending). */
const clientKey = (client: string) => `identify-client:${client}`;
const flatKey = (flatCode: string) => `identify-flat:${flatCode}`;

function flatCooldown(deps: IdentifyDeps, flatCode: string, now: Date): { failures: number } {
  const { identifyMaxFailures, identifyCooldownMinutes } = deps.config.verification;
  const windowStart = new Date(now.getTime() - identifyCooldownMinutes * 60_000).toISOString();
  const recent = deps.db
    .select()
    .from(identifyAttempts)
    .where(and(eq(identifyAttempts.flatCode, flatCode), gt(identifyAttempts.at, windowStart)))
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
  // Guesses for this flat still being checked count as failures: a parallel burst gets no more.
  const inFlight = deps.hashing.pending(flatKey(flatCode));
  if (failures + inFlight >= identifyMaxFailures) {
    const last = inFlight > 0 ? now.getTime() : lastFailure;
    const retryAfterSeconds = Math.max(1, Math.ceil((last + identifyCooldownMinutes * 60_000 - now.getTime()) / 1000));
    throw new KioskError("IDENTIFY_COOLDOWN", "too many failed attempts for this flat", { retryAfterSeconds });
  }
  return { failures };
}

/** Failures in the window, for one client or (client undefined) for all. */
function failuresSince(deps: IdentifyDeps, since: string, client?: string) {
  const row = deps.db
    .select({ n: count(), last: max(identifyAttempts.at), flats: countDistinct(identifyAttempts.flatCode) })
    .from(identifyAttempts)
    .where(
      and(
        eq(identifyAttempts.success, false),
        gt(identifyAttempts.at, since),
        client === undefined ? undefined : eq(identifyAttempts.client, client),
      ),
    )
    .get();
  return { n: row?.n ?? 0, last: row?.last ? Date.parse(row.last) : 0, flats: row?.flats ?? 0 };
}

function guessingDelay(deps: IdentifyDeps, client: string, now: Date) {
  const v = deps.config.verification;
  const since = new Date(now.getTime() - v.identifyWindowMinutes * 60_000).toISOString();
  const limits = (free: number): ThrottleLimits => ({
    free,
    firstMs: v.identifyFirstDelaySeconds * 1000,
    maxMs: v.identifyMaxDelayMinutes * 60_000,
  });
  // Checks still in flight count as failures just made, so a parallel burst is refused before hashing.
  const counted = (f: { n: number; last: number }, inFlight: number) =>
    inFlight > 0 ? { n: f.n + inFlight, last: now.getTime() } : f;
  const byClient = counted(failuresSince(deps, since, client), deps.hashing.pending(clientKey(client)));
  const all = counted(failuresSince(deps, since), deps.hashing.pending("kiosk"));
  const wait = Math.max(
    waitMs(byClient.n, byClient.last, now.getTime(), limits(v.identifyClientFreeFailures)),
    waitMs(all.n, all.last, now.getTime(), limits(v.identifyGlobalFreeFailures)),
  );
  if (wait > 0) {
    throw new KioskError("IDENTIFY_COOLDOWN", "too many failed attempts: wait a moment", {
      retryAfterSeconds: Math.ceil(wait / 1000),
    });
  }
  return since;
}

export async function identifyOwner(
  deps: IdentifyDeps,
  input: { flatCode: string; surname: string; ownerCode: string; client?: string },
): Promise<IdentifiedOwner> {
  const v = deps.config.verification;
  const client = input.client ?? "local";
  const now = deps.clock.now();
  const since = guessingDelay(deps, client, now);
  const { failures } = flatCooldown(deps, input.flatCode, now);

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
    (await deps.hashing.verify(input.ownerCode.trim(), flat?.secretHash ?? DECOY, {
      lane: "kiosk",
      keys: [clientKey(client), flatKey(input.flatCode)],
    })) &&
    Boolean(flat?.secretHash) &&
    Boolean(flat?.active);
  const owner = candidates.find((c) => c.surnameKey === key);
  const success = Boolean(codeOk && owner);

  const attempt = { flatCode: input.flatCode, client, at: deps.clock.now().toISOString(), success };
  if (success) deps.db.insert(identifyAttempts).values(attempt).run();
  else writeCounter(deps.db, () => deps.db.insert(identifyAttempts).values(attempt).run());
  if (!success || !owner) {
    const byClient = failuresSince(deps, since, client);
    if (byClient.flats >= v.identifyAlertFlats) {
      raiseOfficeAlert(deps, {
        kind: "identify_guessing",
        scope: `client:${client}`,
        details: { client, flats: byClient.flats, failures: byClient.n, windowMinutes: v.identifyWindowMinutes },
      });
    }
    const attemptsLeft = Math.max(0, v.identifyMaxFailures - failures - 1);
    // The failure that uses up the attempts already says so: "try again" would be untrue.
    if (attemptsLeft === 0)
      throw new KioskError("IDENTIFY_COOLDOWN", "too many failed attempts for this flat", {
        retryAfterSeconds: v.identifyCooldownMinutes * 60,
      });
    throw new KioskError("IDENTIFY_FAILED", "the data does not match our register", { attemptsLeft });
  }
  return { flatCode: input.flatCode, ownerId: owner.id, firstName: owner.firstName, surname: owner.surname };
}
