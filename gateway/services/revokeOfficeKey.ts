/** Revokes one office key; requests signed with it get 401 `revoked_key` from then on. */
import { and, eq, isNull } from "drizzle-orm";
import { officeKeys } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";

export function revokeOfficeKey(deps: Pick<CoreDeps, "db" | "clock">, keyId: string): { revokedAt: string } {
  const revokedAt = deps.clock.now().toISOString();
  const changed = deps.db
    .update(officeKeys)
    .set({ revokedAt })
    .where(and(eq(officeKeys.keyId, keyId), isNull(officeKeys.revokedAt)))
    .returning({ keyId: officeKeys.keyId })
    .all().length;
  if (changed === 0) throw new KioskError("NOT_FOUND", `no active office key ${keyId}`);
  return { revokedAt };
}
