import { sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * A contact address (email or E.164 mobile) and what we know about its health.
 * Consent itself lives in the register; this table tracks verification and receivability.
 */
export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["email", "mobile"] }).notNull(),
    value: text("value").notNull(),
    verification: text("verification", { enum: ["verified", "unverified", "office_confirmed"] })
      .notNull()
      .default("unverified"),
    verifiedAt: text("verified_at"),
    /** Where the address first came from; paper contacts stay unverified until the kiosk checks them. */
    source: text("source", { enum: ["kiosk", "paper_form", "paper_import"] })
      .notNull()
      .default("kiosk"),
    health: text("health", { enum: ["ok", "at_risk", "failing"] })
      .notNull()
      .default("ok"),
    healthReason: text("health_reason"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("contacts_kind_value_uq").on(t.kind, t.value)],
);
