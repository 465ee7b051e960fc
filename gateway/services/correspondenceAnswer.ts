/** The routing answer stored for one correspondence item (what the office got the first time). */
import { eq } from "drizzle-orm";
import { correspondence } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";

export function correspondenceAnswer(deps: Pick<CoreDeps, "db">, id: string): unknown {
  const row = deps.db
    .select({ decision: correspondence.decision })
    .from(correspondence)
    .where(eq(correspondence.id, id))
    .get();
  if (!row) throw new KioskError("NOT_FOUND", "no such correspondence item");
  return JSON.parse(row.decision);
}
