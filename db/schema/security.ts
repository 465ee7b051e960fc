import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Alerts for the office: a cap on code SMS reached, owner codes guessed across flats, a staff
 * login flood. `details` is JSON without personal data (counts, scopes, client addresses).
 */
export const officeAlerts = sqliteTable(
  "office_alerts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    at: text("at").notNull(),
    details: text("details").notNull().default("{}"),
  },
  (t) => [index("office_alerts_at_idx").on(t.at)],
);
