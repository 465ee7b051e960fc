import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One-time codes sent to a contact to prove it is receivable. Stored hashed. */
export const otpCodes = sqliteTable(
  "otp_codes",
  {
    id: text("id").primaryKey(),
    channel: text("channel", { enum: ["email", "sms"] }).notNull(),
    contact: text("contact").notNull(),
    codeHash: text("code_hash").notNull(),
    kioskId: text("kiosk_id").notNull(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    confirmedAt: text("confirmed_at"),
  },
  (t) => [index("otp_contact_idx").on(t.contact, t.createdAt)],
);

/** Failed owner-identification attempts per flat, for the kiosk cool-down. */
export const identifyAttempts = sqliteTable(
  "identify_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    flatCode: text("flat_code").notNull(),
    at: text("at").notNull(),
    success: integer("success", { mode: "boolean" }).notNull(),
  },
  (t) => [index("identify_flat_idx").on(t.flatCode, t.at)],
);
