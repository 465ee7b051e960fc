/**
 * Tells the office something needs a look (a cap on code SMS reached, owner codes tried across
 * flats, a flood of staff logins): a row the staff console and the health report show, and one
 * warning log line. Details carry counts and scopes, never a resident's data. The same alert is
 * raised at most once per `quietMinutes`.
 */
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { officeAlerts } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export type OfficeAlertKind = "verification_cap" | "identify_guessing" | "staff_login_flood" | "staff_user_guessing";

/**
 * When each alert (kind and scope) was last raised or found, per database: a flood that keeps
 * meeting its alert's condition asks the database once an hour, not once per guess.
 */
const lastRaised = new WeakMap<Db, Map<string, number>>();

/**
 * True when this gateway raised (or found) the alert within its quiet time: the caller may skip
 * working out the alert's details. Memory only; false just means "ask raiseOfficeAlert".
 */
export function alertRaisedRecently(
  deps: Pick<CoreDeps, "db" | "clock">,
  input: { kind: OfficeAlertKind; scope: string; quietMinutes?: number },
): boolean {
  const known = lastRaised.get(deps.db)?.get(`${input.kind}|${input.scope}`);
  const now = deps.clock.now().getTime();
  return known !== undefined && known <= now && now - known < (input.quietMinutes ?? 60) * 60_000;
}

export function raiseOfficeAlert(
  deps: Pick<CoreDeps, "db" | "clock" | "logger">,
  input: { kind: OfficeAlertKind; scope: string; details: Record<string, string | number>; quietMinutes?: number },
): boolean {
  const now = deps.clock.now();
  const quietMs = (input.quietMinutes ?? 60) * 60_000;
  let memo = lastRaised.get(deps.db);
  // Many scopes (a scan of addresses) only cost a lookup each again.
  if (!memo || memo.size > 4096) {
    memo = new Map();
    lastRaised.set(deps.db, memo);
  }
  const memoKey = `${input.kind}|${input.scope}`;
  const known = memo.get(memoKey);
  if (known !== undefined && known <= now.getTime() && now.getTime() - known < quietMs) return false;

  const since = new Date(now.getTime() - quietMs).toISOString();
  const details = JSON.stringify({ scope: input.scope, ...input.details });
  const recent = deps.db
    .select({ details: officeAlerts.details, at: officeAlerts.at })
    .from(officeAlerts)
    .where(and(eq(officeAlerts.kind, input.kind), gt(officeAlerts.at, since)))
    .all()
    .find((r) => (JSON.parse(r.details) as { scope?: string }).scope === input.scope);
  if (recent) {
    memo.set(memoKey, Date.parse(recent.at));
    return false;
  }
  deps.db.insert(officeAlerts).values({ kind: input.kind, at: now.toISOString(), details }).run();
  memo.set(memoKey, now.getTime());
  deps.logger.warn({ alert: input.kind, scope: input.scope, ...input.details }, "office alert");
  return true;
}
