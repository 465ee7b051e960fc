/** A kiosk session's idempotency key: the same key returns the first answer, never a second write. */
import { eq } from "drizzle-orm";
import { kioskRequests } from "../../db/schema/index.ts";
import type { DbOrTx } from "../deps.ts";

export function previousAnswer<T>(db: DbOrTx, key: string): T | undefined {
  const row = db.select().from(kioskRequests).where(eq(kioskRequests.key, key)).get();
  return row ? (JSON.parse(row.response) as T) : undefined;
}

export function rememberAnswer(db: DbOrTx, key: string, response: unknown, at: string): void {
  db.insert(kioskRequests)
    .values({ key, response: JSON.stringify(response), createdAt: at })
    .run();
}
