/** The office's recent alerts (newest first), for the staff console and the health report. */
import { desc, gt } from "drizzle-orm";
import { officeAlerts } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export interface OfficeAlert {
  id: number;
  kind: string;
  at: string;
  details: Record<string, unknown>;
}

export function listOfficeAlerts(deps: Pick<CoreDeps, "db" | "clock">, input: { hours?: number } = {}): OfficeAlert[] {
  const since = new Date(deps.clock.now().getTime() - (input.hours ?? 24 * 7) * 3_600_000).toISOString();
  return deps.db
    .select()
    .from(officeAlerts)
    .where(gt(officeAlerts.at, since))
    .orderBy(desc(officeAlerts.id))
    .limit(200)
    .all()
    .map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}
