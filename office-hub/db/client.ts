/** The hub's one PostgreSQL client: Bun's SQL driver under drizzle (the only bun:* import besides main). */
import { SQL, type TransactionSQL } from "bun";
import { drizzle } from "drizzle-orm/bun-sql";
import { migrate } from "drizzle-orm/bun-sql/migrator";
import * as schema from "./schema.ts";

export type HubDb = ReturnType<typeof drizzle<typeof schema>>;

/** A connection inside a transaction of the driver itself (`db.$client.begin`), for the push's hot path. */
export type HubTx = TransactionSQL;

export interface OpenedHubDb {
  db: HubDb;
  close(): Promise<void>;
}

export function openHubDb(url: string, poolSize = 10): OpenedHubDb {
  // Statements are prepared once per connection and PostgreSQL may keep a generic plan for them
  // (planning a batch's 500-row INSERT every time cost about 3 ms), so the push's statements are
  // written to have one good plan whatever the statistics say (services/flatHolders.ts).
  const client = new SQL({ url, max: poolSize });
  const db = drizzle({ client, schema });
  return { db, close: () => client.close() };
}

export const MIGRATIONS_FOLDER = new URL("../migrations", import.meta.url).pathname;

/** Applies the committed migrations; running it again changes nothing. */
export async function migrateHubDb(db: HubDb): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
