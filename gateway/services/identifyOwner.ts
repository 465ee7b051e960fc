/**
 * Identifies an owner at the kiosk: flat + surname + the code the owner already has. Only an
 * owner or co-owner gets through. Guessing is slowed three ways: a cool-down per flat after N
 * failures, and growing delays per client (the kiosk, a device on the LAN) and for all clients
 * together; failures on several flats from one client alert the office. The answer never
 * reveals which part was wrong, or who owns the flat. The code is checked off the event loop.
 */
import { and, asc, count, countDistinct, eq, gt, max, sql } from "drizzle-orm";
import { type Db, perDatabase } from "../../db/client.ts";
import { writeCounter } from "../../db/counterWrites.ts";
import { flats, identifyAttempts, owners, ownershipShares } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { surnameKey } from "../domain/eligibility.ts";
import { delayAfter, failuresSinceSuccess, type ThrottleLimits, waitMs } from "../domain/throttle.ts";
import { KioskError } from "../errors.ts";
import type { HashPool } from "../hashing.ts";
import type { RefusalMemo } from "../refusals.ts";
import { hashSecret } from "../secrets.ts";
import { alertRaisedRecently, raiseOfficeAlert } from "./raiseOfficeAlert.ts";

/** Compared against when the flat is unknown, so failures take the same time either way. */
const DECOY = hashSecret("000000");

export interface IdentifiedOwner {
  flatCode: string;
  ownerId: string;
  firstName: string;
  surname: string;
}

type IdentifyDeps = CoreDeps & { hashing: HashPool; refusals: RefusalMemo };

/** What an identification's hash counts against while in flight (see HashPool.pending). */
const clientKey = (client: string) => `identify-client:${client}`;
const flatKey = (flatCode: string) => `identify-flat:${flatCode}`;
/** The waits remembered for the route's early refusal (RefusalMemo): one client's, and everyone's. */
export const identifyWaitKeys = (client: string) => [clientKey(client), "identify-all"];

/** The identification's queries, prepared once per database: a flood of guesses builds no SQL. */
function statementsFor(db: Db) {
  const failures = { n: count(), last: max(identifyAttempts.at) };
  const failed = and(eq(identifyAttempts.success, false), gt(identifyAttempts.at, sql.placeholder("since")));
  const fromClient = eq(identifyAttempts.client, sql.placeholder("client"));
  return {
    byClient: db.select(failures).from(identifyAttempts).where(and(failed, fromClient)).prepare(),
    all: db.select(failures).from(identifyAttempts).where(failed).prepare(),
    // Counting distinct flats sorts them: only asked after a failure, for the office alert.
    flatsByClient: db
      .select({ n: count(), flats: countDistinct(identifyAttempts.flatCode) })
      .from(identifyAttempts)
      .where(and(failed, fromClient))
      .prepare(),
    flatAttempts: db
      .select({ success: identifyAttempts.success, at: identifyAttempts.at })
      .from(identifyAttempts)
      .where(
        and(eq(identifyAttempts.flatCode, sql.placeholder("flat")), gt(identifyAttempts.at, sql.placeholder("since"))),
      )
      .orderBy(asc(identifyAttempts.id))
      .prepare(),
    flat: db
      .select()
      .from(flats)
      .where(eq(flats.code, sql.placeholder("flat")))
      .prepare(),
    candidates: db
      .select({ id: owners.id, firstName: owners.firstName, surname: owners.surname, surnameKey: owners.surnameKey })
      .from(ownershipShares)
      .innerJoin(owners, eq(owners.id, ownershipShares.ownerId))
      .where(
        and(
          eq(ownershipShares.flatCode, sql.placeholder("flat")),
          eq(ownershipShares.active, true),
          eq(owners.active, true),
        ),
      )
      .prepare(),
    attempt: db
      .insert(identifyAttempts)
      .values({
        flatCode: sql.placeholder("flatCode"),
        client: sql.placeholder("client"),
        at: sql.placeholder("at"),
        success: sql.placeholder("success"),
      })
      .prepare(),
  };
}
const statements = perDatabase(statementsFor);

function flatCooldown(deps: IdentifyDeps, flatCode: string, now: Date): { failures: number } {
  const { identifyMaxFailures, identifyCooldownMinutes } = deps.config.verification;
  const windowStart = new Date(now.getTime() - identifyCooldownMinutes * 60_000).toISOString();
  const recent = statements(deps.db).flatAttempts.all({ flat: flatCode, since: windowStart });
  const { failures, lastFailureAt: lastFailure } = failuresSinceSuccess(recent);
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
  const q = statements(deps.db);
  const row = client === undefined ? q.all.get({ since }) : q.byClient.get({ since, client });
  return { n: row?.n ?? 0, last: row?.last ? Date.parse(row.last) : 0 };
}

function delayLimits(deps: IdentifyDeps) {
  const v = deps.config.verification;
  return (free: number): ThrottleLimits => ({
    free,
    firstMs: v.identifyFirstDelaySeconds * 1000,
    maxMs: v.identifyMaxDelayMinutes * 60_000,
  });
}

function guessingDelay(deps: IdentifyDeps, client: string, now: Date) {
  const v = deps.config.verification;
  const since = new Date(now.getTime() - v.identifyWindowMinutes * 60_000).toISOString();
  const limits = delayLimits(deps);
  // Checks still in flight count as failures just made, so a parallel burst is refused before hashing.
  const counted = (f: { n: number; last: number }, inFlight: number) =>
    inFlight > 0 ? { n: f.n + inFlight, last: now.getTime() } : f;
  const clientStored = failuresSince(deps, since, client);
  const allStored = failuresSince(deps, since);
  const [clientMemo, allMemo] = identifyWaitKeys(client);
  const clientWait = waitMs(clientStored.n, clientStored.last, now.getTime(), limits(v.identifyClientFreeFailures));
  const allWait = waitMs(allStored.n, allStored.last, now.getTime(), limits(v.identifyGlobalFreeFailures));
  deps.refusals.note(clientMemo, now.getTime(), now.getTime() + clientWait);
  deps.refusals.note(allMemo, now.getTime(), now.getTime() + allWait);
  const byClient = counted(clientStored, deps.hashing.pending(clientKey(client)));
  const all = counted(allStored, deps.hashing.pending("kiosk"));
  const wait = Math.max(
    waitMs(byClient.n, byClient.last, now.getTime(), limits(v.identifyClientFreeFailures)),
    waitMs(all.n, all.last, now.getTime(), limits(v.identifyGlobalFreeFailures)),
  );
  if (wait > 0) {
    throw new KioskError("IDENTIFY_COOLDOWN", "too many failed attempts: wait a moment", {
      retryAfterSeconds: Math.ceil(wait / 1000),
    });
  }
  return { since, clientFailures: clientStored.n, allFailures: allStored.n };
}

export async function identifyOwner(
  deps: IdentifyDeps,
  input: { flatCode: string; surname: string; ownerCode: string; client?: string },
): Promise<IdentifiedOwner> {
  const v = deps.config.verification;
  const q = statements(deps.db);
  const client = input.client ?? "local";
  const now = deps.clock.now();
  const before = guessingDelay(deps, client, now);
  const { failures } = flatCooldown(deps, input.flatCode, now);

  const flat = q.flat.get({ flat: input.flatCode });
  const key = surnameKey(input.surname);
  const candidates = flat ? q.candidates.all({ flat: input.flatCode }) : [];
  const codeOk =
    (await deps.hashing.verify(input.ownerCode.trim(), flat?.secretHash ?? DECOY, {
      lane: "kiosk",
      keys: [clientKey(client), flatKey(input.flatCode)],
    })) &&
    Boolean(flat?.secretHash) &&
    Boolean(flat?.active);
  const owner = candidates.find((c) => c.surnameKey === key);
  const success = Boolean(codeOk && owner);

  const at = deps.clock.now();
  const attempt = { flatCode: input.flatCode, client, at: at.toISOString(), success: success ? 1 : 0 };
  if (success) q.attempt.run(attempt);
  else writeCounter(deps.db, () => q.attempt.run(attempt));
  if (!success || !owner) {
    // The next guesses from this client (and from everyone) are refused before they are read,
    // until the waits this failure imposes are over.
    const limits = delayLimits(deps);
    const [clientMemo, allMemo] = identifyWaitKeys(client);
    const clientDelay = delayAfter(before.clientFailures + 1, limits(v.identifyClientFreeFailures));
    deps.refusals.note(clientMemo, at.getTime(), at.getTime() + clientDelay);
    const allDelay = delayAfter(before.allFailures + 1, limits(v.identifyGlobalFreeFailures));
    deps.refusals.note(allMemo, at.getTime(), at.getTime() + allDelay);

    const scope = `client:${client}`;
    const byClient = alertRaisedRecently(deps, { kind: "identify_guessing", scope })
      ? { n: 0, flats: 0 }
      : (q.flatsByClient.get({ since: before.since, client }) ?? { n: 0, flats: 0 });
    if (byClient.flats >= v.identifyAlertFlats) {
      raiseOfficeAlert(deps, {
        kind: "identify_guessing",
        scope,
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
