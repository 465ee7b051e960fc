/**
 * Tells the office something needs a look (a cap on code SMS reached, owner codes tried across
 * flats, a flood of staff logins): a row the staff console and the health report show, and one
 * warning log line. Details carry counts and scopes, never a resident's data. The same alert is
 * raised at most once per `quietMinutes`.
 */
import { and, eq, gt } from "drizzle-orm";
import { officeAlerts } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export type OfficeAlertKind = "verification_cap" | "identify_guessing" | "staff_login_flood";

export function raiseOfficeAlert(
  deps: Pick<CoreDeps, "db" | "clock" | "logger">,
  input: { kind: OfficeAlertKind; scope: string; details: Record<string, string | number>; quietMinutes?: number },
): boolean {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - (input.quietMinutes ?? 60) * 60_000).toISOString();
  const details = JSON.stringify({ scope: input.scope, ...input.details });
  const recent = deps.db
    .select({ details: officeAlerts.details })
    .from(officeAlerts)
    .where(and(eq(officeAlerts.kind, input.kind), gt(officeAlerts.at, since)))
    .all();
  if (recent.some((r) => (JSON.parse(r.details) as { scope?: string }).scope === input.scope)) return false;
  deps.db.insert(officeAlerts).values({ kind: input.kind, at: now.toISOString(), details }).run();
  deps.logger.warn({ alert: input.kind, scope: input.scope, ...input.details }, "office alert");
  return true;
}
