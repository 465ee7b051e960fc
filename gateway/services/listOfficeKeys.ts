/** The office API keys, newest first; never their secrets. */
import { desc, eq } from "drizzle-orm";
import { officeClients, officeKeys } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export interface OfficeKeyInfo {
  keyId: string;
  clientId: string;
  clientName: string;
  createdAt: string;
  revokedAt: string | null;
}

export function listOfficeKeys(deps: Pick<CoreDeps, "db">): OfficeKeyInfo[] {
  return deps.db
    .select({
      keyId: officeKeys.keyId,
      clientId: officeKeys.clientId,
      clientName: officeClients.name,
      createdAt: officeKeys.createdAt,
      revokedAt: officeKeys.revokedAt,
    })
    .from(officeKeys)
    .innerJoin(officeClients, eq(officeClients.id, officeKeys.clientId))
    .orderBy(desc(officeKeys.createdAt))
    .all();
}
