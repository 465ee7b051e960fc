import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const officeClients = sqliteTable("office_clients", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
});

/** Several keys per client so a key can be rotated without downtime. */
export const officeKeys = sqliteTable("office_keys", {
  keyId: text("key_id").primaryKey(),
  clientId: text("client_id")
    .notNull()
    .references(() => officeClients.id),
  secret: text("secret").notNull(),
  createdAt: text("created_at").notNull(),
  revokedAt: text("revoked_at"),
});

/** Nonces seen inside the timestamp window (replay protection). */
export const officeNonces = sqliteTable(
  "office_nonces",
  {
    nonce: text("nonce").primaryKey(),
    keyId: text("key_id").notNull(),
    seenAt: text("seen_at").notNull(),
  },
  (t) => [index("office_nonces_seen_idx").on(t.seenAt)],
);

/** Durable cursors of the push sync and other followers. */
export const syncCursors = sqliteTable("sync_cursors", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  updatedAt: text("updated_at").notNull(),
});
