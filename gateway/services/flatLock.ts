/**
 * The identification cool-down of one flat as staff see it, and the audited unlock: an unlock is
 * a successful attempt recorded under `staff:<username>` (it resets the count the kiosk checks),
 * so who unlocked and when stays in the same table as the failures it ended.
 */
import { and, asc, eq, gt, like } from "drizzle-orm";
import { identifyAttempts } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { failuresSinceSuccess } from "../domain/throttle.ts";
import { KioskError } from "../errors.ts";

export interface FlatLock {
  locked: boolean;
  /** Failed identifications since the last success, within the cool-down window. */
  failures: number;
  /** When the kiosk lets the flat in again by itself (null when not locked). */
  until: string | null;
  /** Past unlocks by staff, newest first. */
  unlocks: Array<{ by: string; at: string }>;
}

const STAFF_PREFIX = "staff:";

export function flatLock(deps: Pick<CoreDeps, "db" | "clock" | "config">, flatCode: string): FlatLock {
  const { identifyMaxFailures, identifyCooldownMinutes } = deps.config.verification;
  const now = deps.clock.now().getTime();
  const windowStart = new Date(now - identifyCooldownMinutes * 60_000).toISOString();
  const recent = deps.db
    .select()
    .from(identifyAttempts)
    .where(and(eq(identifyAttempts.flatCode, flatCode), gt(identifyAttempts.at, windowStart)))
    .orderBy(asc(identifyAttempts.id))
    .all();
  const { failures, lastFailureAt: lastFailure } = failuresSinceSuccess(recent);
  const locked = failures >= identifyMaxFailures;
  const unlocks = deps.db
    .select({ client: identifyAttempts.client, at: identifyAttempts.at })
    .from(identifyAttempts)
    .where(and(eq(identifyAttempts.flatCode, flatCode), like(identifyAttempts.client, `${STAFF_PREFIX}%`)))
    .all()
    .map((r) => ({ by: r.client.slice(STAFF_PREFIX.length), at: r.at }))
    .reverse();
  return {
    locked,
    failures,
    until: locked ? new Date(lastFailure + identifyCooldownMinutes * 60_000).toISOString() : null,
    unlocks,
  };
}

export function unlockFlat(
  deps: Pick<CoreDeps, "db" | "clock" | "config" | "logger">,
  input: { flat: string; by: string },
): FlatLock {
  if (!flatLock(deps, input.flat).locked) {
    throw new KioskError("CONFLICT", `flat ${input.flat} is not locked`, { reason: "not_locked" });
  }
  deps.db
    .insert(identifyAttempts)
    .values({
      flatCode: input.flat,
      client: `${STAFF_PREFIX}${input.by}`,
      at: deps.clock.now().toISOString(),
      success: true,
    })
    .run();
  deps.logger.info({ staff: input.by, flat: input.flat }, "flat identification unlocked by staff");
  return flatLock(deps, input.flat);
}
