/**
 * Removes rows that only matter for a while: identify attempts past the cool-down windows, codes
 * past the daily caps, kiosk idempotency records, office nonces past twice the timestamp window,
 * staff login failures past their window, ended staff sessions, alerts after `alertDays`.
 */
import { lt } from "drizzle-orm";
import {
  identifyAttempts,
  kioskRequests,
  officeAlerts,
  officeNonces,
  otpCodes,
  staffLoginFailures,
  staffSessions,
} from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Pruned {
  identifyAttempts: number;
  otpCodes: number;
  kioskRequests: number;
  officeNonces: number;
  staffLoginFailures: number;
  staffSessions: number;
  officeAlerts: number;
}

export function pruneExpired(deps: Pick<CoreDeps, "db" | "clock" | "config">): Pruned {
  const { config } = deps;
  const now = deps.clock.now().getTime();
  const before = (ms: number) => new Date(now - ms).toISOString();
  const v = config.verification;
  return deps.db.transaction((tx) => ({
    identifyAttempts: tx
      .delete(identifyAttempts)
      .where(lt(identifyAttempts.at, before(Math.max(v.identifyCooldownMinutes, v.identifyWindowMinutes) * MINUTE)))
      .returning({ id: identifyAttempts.id })
      .all().length,
    // The daily caps look back 24 h; an enrolment accepts a code confirmed within 30 min.
    otpCodes: tx
      .delete(otpCodes)
      .where(lt(otpCodes.createdAt, before(25 * HOUR)))
      .returning({ id: otpCodes.id })
      .all().length,
    kioskRequests: tx
      .delete(kioskRequests)
      .where(lt(kioskRequests.createdAt, before(config.housekeeping.idempotencyHours * HOUR)))
      .returning({ key: kioskRequests.key })
      .all().length,
    // A request older than the timestamp window is refused anyway; its nonce is no longer needed.
    officeNonces: tx
      .delete(officeNonces)
      .where(lt(officeNonces.seenAt, before(2 * config.office.timestampWindowSeconds * 1000)))
      .returning({ n: officeNonces.nonce })
      .all().length,
    staffLoginFailures: tx
      .delete(staffLoginFailures)
      .where(lt(staffLoginFailures.at, before(config.staff.failureWindowHours * HOUR)))
      .returning({ id: staffLoginFailures.id })
      .all().length,
    staffSessions: tx
      .delete(staffSessions)
      .where(lt(staffSessions.expiresAt, before(0)))
      .returning({ t: staffSessions.tokenHash })
      .all().length,
    officeAlerts: tx
      .delete(officeAlerts)
      .where(lt(officeAlerts.at, before(config.housekeeping.alertDays * 24 * HOUR)))
      .returning({ id: officeAlerts.id })
      .all().length,
  }));
}
