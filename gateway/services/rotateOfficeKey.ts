/**
 * Replaces an office key by a new one for the same client. The old key is revoked at once unless
 * `keepOld` (then the office switches to the new key and the old one is revoked afterwards).
 */
import { and, eq, isNull } from "drizzle-orm";
import { officeKeys } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";
import { addOfficeKey } from "./addOfficeKey.ts";
import { revokeOfficeKey } from "./revokeOfficeKey.ts";

export function rotateOfficeKey(
  deps: Pick<CoreDeps, "db" | "clock">,
  input: { keyId: string; keepOld?: boolean },
): { keyId: string; secret: string; revoked: string | null } {
  const old = deps.db
    .select()
    .from(officeKeys)
    .where(and(eq(officeKeys.keyId, input.keyId), isNull(officeKeys.revokedAt)))
    .get();
  if (!old) throw new KioskError("NOT_FOUND", `no active office key ${input.keyId}`);
  const created = addOfficeKey(deps, { clientId: old.clientId });
  if (!input.keepOld) revokeOfficeKey(deps, old.keyId);
  return { ...created, revoked: input.keepOld ? null : old.keyId };
}
