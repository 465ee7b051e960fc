/** Forgets nonces older than the signature window allows (a request that old is refused by its timestamp anyway). */
import { lt } from "drizzle-orm";
import type { Clock } from "../../gateway/clock.ts";
import type { HubDb } from "../db/client.ts";
import { pushNonces } from "../db/schema.ts";

export async function pruneNonces(
  deps: { db: HubDb; clock: Clock },
  input: { olderThanSeconds: number },
): Promise<void> {
  const cutoff = new Date(deps.clock.now().getTime() - input.olderThanSeconds * 1000);
  await deps.db.delete(pushNonces).where(lt(pushNonces.seenAt, cutoff));
}
