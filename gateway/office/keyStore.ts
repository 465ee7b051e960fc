/** Office keys and seen nonces in SQLite: lookups for the signature check and replay protection. */
import { eq, lt } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { officeKeys, officeNonces } from "../../db/schema/index.ts";
import type { KeyLookup } from "./signing.ts";

export function keyLookup(db: Db): KeyLookup {
  return (keyId) => {
    const row = db.select().from(officeKeys).where(eq(officeKeys.keyId, keyId)).get();
    if (!row) return undefined;
    return { secret: row.secret, clientId: row.clientId, revoked: row.revokedAt !== null };
  };
}

/** Records a nonce; false when it was already seen (a replay). */
export function rememberNonce(db: Db, keyId: string, nonce: string, seenAt: string): boolean {
  const inserted = db
    .insert(officeNonces)
    .values({ nonce, keyId, seenAt })
    .onConflictDoNothing()
    .returning({ nonce: officeNonces.nonce })
    .all();
  return inserted.length === 1;
}

/** Nonces older than the window cannot be replayed anyway (the timestamp check refuses them). */
export function pruneNonces(db: Db, olderThan: string): number {
  return db.delete(officeNonces).where(lt(officeNonces.seenAt, olderThan)).returning({ n: officeNonces.nonce }).all()
    .length;
}
