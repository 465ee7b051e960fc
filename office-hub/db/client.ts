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
  // Statements stay prepared (parsed once per connection) but are planned for their parameters each
  // time: a batch's statements take lists of hundreds of flats and events, and a generic plan made
  // while a table was small (a sequential scan) would stay in use long after it grew.
  const client = new SQL({ url, max: poolSize, connection: { plan_cache_mode: "force_custom_plan" } });
  const db = drizzle({ client, schema });
  return { db, close: () => client.close() };
}

export const MIGRATIONS_FOLDER = new URL("../migrations", import.meta.url).pathname;

/** Applies the committed migrations; running it again changes nothing. */
export async function migrateHubDb(db: HubDb): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
