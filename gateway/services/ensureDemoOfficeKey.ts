/**
 * Demo mode's office key `demo-office`: the secret comes from OFFICE_DEMO_SECRET
 * (`office.demoSecret`) when set, otherwise the stored one, otherwise a new random one, stored so
 * it survives restarts.
 */
import { eq } from "drizzle-orm";
import { officeKeys } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { addOfficeKey } from "./addOfficeKey.ts";

export const DEMO_OFFICE_KEY_ID = "demo-office";

export function ensureDemoOfficeKey(deps: Pick<CoreDeps, "db" | "clock" | "config">): {
  keyId: string;
  secret: string;
  source: "environment" | "stored" | "generated";
} {
  const stored = deps.db.select().from(officeKeys).where(eq(officeKeys.keyId, DEMO_OFFICE_KEY_ID)).get();
  const wanted = deps.config.office.demoSecret;
  if (wanted) {
    if (stored?.secret !== wanted || stored.revokedAt) {
      addOfficeKey(deps, { clientId: "demo", clientName: "Demo office", keyId: DEMO_OFFICE_KEY_ID, secret: wanted });
    }
    return { keyId: DEMO_OFFICE_KEY_ID, secret: wanted, source: "environment" };
  }
  if (stored && !stored.revokedAt) return { keyId: DEMO_OFFICE_KEY_ID, secret: stored.secret, source: "stored" };
  const created = addOfficeKey(deps, { clientId: "demo", clientName: "Demo office", keyId: DEMO_OFFICE_KEY_ID });
  return { ...created, source: "generated" };
}
