/** The hub's one PostgreSQL client: Bun's SQL driver under drizzle (the only bun:* import besides main). */
import { SQL } from "bun";
import { drizzle } from "drizzle-orm/bun-sql";
import { migrate } from "drizzle-orm/bun-sql/migrator";
import * as schema from "./schema.ts";

export type HubDb = ReturnType<typeof drizzle<typeof schema>>;

export interface OpenedHubDb {
  db: HubDb;
  close(): Promise<void>;
}

export function openHubDb(url: string, poolSize = 10): OpenedHubDb {
  const client = new SQL({ url, max: poolSize });
  const db = drizzle({ client, schema });
  return { db, close: () => client.close() };
}

export const MIGRATIONS_FOLDER = new URL("../migrations", import.meta.url).pathname;

/** Applies the committed migrations; running it again changes nothing. */
export async function migrateHubDb(db: HubDb): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
