/**
 * Adds a key for an office client (creating the client on first use). Several keys may be active
 * at once, so the office rotates by adding a new key, switching, then revoking the old one.
 */
import { randomBytes } from "node:crypto";
import { officeClients, officeKeys } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export interface AddOfficeKeyInput {
  clientId: string;
  clientName?: string;
  keyId?: string;
  /** Generated (32 random bytes, hex) when absent. */
  secret?: string;
}

export function addOfficeKey(
  deps: Pick<CoreDeps, "db" | "clock">,
  input: AddOfficeKeyInput,
): { keyId: string; secret: string } {
  const keyId = input.keyId ?? `${input.clientId}-${randomBytes(4).toString("hex")}`;
  const secret = input.secret ?? randomBytes(32).toString("hex");
  deps.db.transaction((tx) => {
    tx.insert(officeClients)
      .values({ id: input.clientId, name: input.clientName ?? input.clientId })
      .onConflictDoNothing()
      .run();
    tx.insert(officeKeys)
      .values({ keyId, clientId: input.clientId, secret, createdAt: deps.clock.now().toISOString(), revokedAt: null })
      .onConflictDoUpdate({ target: officeKeys.keyId, set: { secret, revokedAt: null } })
      .run();
  });
  return { keyId, secret };
}
