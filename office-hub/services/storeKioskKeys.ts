/** Keeps a kiosk's public receipt keys (JWK set), so the office can verify its printed slips. */
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../../gateway/clock.ts";
import { canonicalJson } from "../../gateway/domain/registerEvents.ts";
import type { HubDb } from "../db/client.ts";
import { kioskPublicKeys, kiosks } from "../db/schema.ts";

export async function storeKioskKeys(
  deps: { db: HubDb; clock: Clock },
  input: { kioskId: string; keys: Array<{ kid: string; created_at?: string; retired_at?: string }> },
): Promise<{ keys: number }> {
  const digest = createHash("sha256").update(canonicalJson(input.keys)).digest("hex");
  await deps.db.transaction(async (tx) => {
    if (input.keys.length > 0) {
      await tx
        .insert(kioskPublicKeys)
        .values(
          input.keys.map((k) => ({
            kioskId: input.kioskId,
            kid: k.kid,
            // A JSON object in the jsonb column (drizzle's own jsonb mapping under bun-sql stores a JSON string).
            jwk: sql`${JSON.stringify(k)}::text::jsonb`,
            createdAt: k.created_at ?? null,
            retiredAt: k.retired_at ?? null,
          })),
        )
        .onConflictDoUpdate({
          target: [kioskPublicKeys.kioskId, kioskPublicKeys.kid],
          set: { jwk: sql`excluded.jwk`, retiredAt: sql`excluded.retired_at` },
        });
    }
    await tx
      .update(kiosks)
      .set({ keysDigest: digest, lastPushAt: deps.clock.now().toISOString() })
      .where(eq(kiosks.id, input.kioskId));
  });
  return { keys: input.keys.length };
}
