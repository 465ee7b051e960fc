/**
 * Provisioning from the hub's CLI: a cooperative, a kiosk with its push key, an office key.
 * Secrets are generated here and shown once; the kiosk's config takes them as office.keyId /
 * office.secret.
 */
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../../gateway/clock.ts";
import type { HubDb } from "../db/client.ts";
import { cooperatives, hubKeys, kiosks } from "../db/schema.ts";
import { HubError } from "../errors.ts";

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function checkId(what: string, id: string): void {
  if (!ID.test(id)) throw new HubError("bad_request", `${what} "${id}" must be 1-63 of A-Z a-z 0-9 . _ -`);
}

export async function addCooperative(
  deps: { db: HubDb },
  input: { id: string; name: string },
): Promise<{ created: boolean }> {
  checkId("cooperative id", input.id);
  // Names its two columns only (drizzle would name every column), so it also runs on a database
  // an older hub left, before `setup` brings it up to date (upgrade.test.ts builds one so).
  const inserted = await deps.db.execute(sql`
    INSERT INTO cooperatives (id, name) VALUES (${input.id}, ${input.name})
    ON CONFLICT DO NOTHING RETURNING id`);
  return { created: (inserted as unknown as unknown[]).length > 0 };
}

export interface IssuedKey {
  keyId: string;
  secret: string;
}

function newKey(prefix: string): IssuedKey {
  return { keyId: `${prefix}-${randomBytes(4).toString("hex")}`, secret: randomBytes(32).toString("base64url") };
}

/**
 * Registers a kiosk of a cooperative (or reuses it) and issues a new push key for it; `existing`
 * re-registers the key the kiosk already has in its configuration (a hub rebuilt from nothing).
 */
export async function provisionKiosk(
  deps: { db: HubDb },
  input: { cooperativeId: string; kioskId: string; existing?: IssuedKey },
): Promise<IssuedKey> {
  checkId("kiosk id", input.kioskId);
  return deps.db.transaction(async (tx) => {
    const [coop] = await tx
      .select({ id: cooperatives.id })
      .from(cooperatives)
      .where(eq(cooperatives.id, input.cooperativeId));
    if (!coop)
      throw new HubError("not_found", `no cooperative "${input.cooperativeId}": add it first (add-cooperative)`);
    const [existing] = await tx.select().from(kiosks).where(eq(kiosks.id, input.kioskId));
    if (existing && existing.cooperativeId !== input.cooperativeId) {
      throw new HubError("exists", `kiosk "${input.kioskId}" belongs to cooperative "${existing.cooperativeId}"`);
    }
    if (!existing) await tx.insert(kiosks).values({ id: input.kioskId, cooperativeId: input.cooperativeId });
    if (input.existing && input.existing.secret.length < 32) {
      throw new HubError("bad_request", "the existing secret is shorter than 32 characters");
    }
    const key = input.existing ?? newKey(input.kioskId);
    const [taken] = await tx.select().from(hubKeys).where(eq(hubKeys.keyId, key.keyId));
    if (taken) throw new HubError("exists", `key id "${key.keyId}" is already registered`);
    await tx.insert(hubKeys).values({ ...key, cooperativeId: input.cooperativeId, kioskId: input.kioskId });
    return key;
  });
}

/** A key the cooperative's office signs its reads with (the same HMAC scheme as the gateway's office API). */
export async function addOfficeKey(deps: { db: HubDb }, input: { cooperativeId: string }): Promise<IssuedKey> {
  const [coop] = await deps.db
    .select({ id: cooperatives.id })
    .from(cooperatives)
    .where(eq(cooperatives.id, input.cooperativeId));
  if (!coop) throw new HubError("not_found", `no cooperative "${input.cooperativeId}": add it first (add-cooperative)`);
  const key = newKey(`office-${input.cooperativeId}`);
  await deps.db.insert(hubKeys).values({ ...key, cooperativeId: input.cooperativeId, kioskId: null });
  return key;
}

export async function revokeKey(deps: { db: HubDb; clock: Clock }, input: { keyId: string }): Promise<void> {
  const done = await deps.db
    .update(hubKeys)
    .set({ revokedAt: deps.clock.now() })
    .where(eq(hubKeys.keyId, input.keyId))
    .returning({ keyId: hubKeys.keyId });
  if (done.length === 0) throw new HubError("not_found", `no key "${input.keyId}"`);
}
