/** Office keys and seen nonces in SQLite: lookups for the signature check and replay protection. */
import { lt } from "drizzle-orm";
import { type Db, rawStatement } from "../../db/client.ts";
import { officeNonces } from "../../db/schema/index.ts";
import type { KeyLookup } from "./signing.ts";

// Both run for every office request (a bulk pull is a request per page): compiled raw
// statements, not a drizzle query built per request (bench/sync.ts).
const KEY = "SELECT secret, client_id AS clientId, revoked_at AS revokedAt FROM office_keys WHERE key_id = ?";
const NONCE = "INSERT INTO office_nonces (nonce, key_id, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

export function keyLookup(db: Db): KeyLookup {
  return (keyId) => {
    const row = rawStatement(db, KEY).get(keyId) as {
      secret: string;
      clientId: string;
      revokedAt: string | null;
    } | null;
    if (!row) return undefined;
    return { secret: row.secret, clientId: row.clientId, revoked: row.revokedAt !== null };
  };
}

/** Records a nonce; false when it was already seen (a replay). */
export function rememberNonce(db: Db, keyId: string, nonce: string, seenAt: string): boolean {
  return rawStatement(db, NONCE).run(nonce, keyId, seenAt).changes === 1;
}

/** Nonces older than the window cannot be replayed anyway (the timestamp check refuses them). */
export function pruneNonces(db: Db, olderThan: string): number {
  return db.delete(officeNonces).where(lt(officeNonces.seenAt, olderThan)).returning({ n: officeNonces.nonce }).all()
    .length;
}
