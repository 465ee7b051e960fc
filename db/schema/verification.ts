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
    /** SHA-256 of the kiosk session that asked (a code is sent only for an identified resident). */
    sessionKey: text("session_key"),
    flatCode: text("flat_code"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    confirmedAt: text("confirmed_at"),
  },
  (t) => [
    index("otp_contact_idx").on(t.contact, t.createdAt),
    index("otp_kiosk_idx").on(t.kioskId, t.createdAt),
    index("otp_session_idx").on(t.sessionKey),
    index("otp_created_idx").on(t.createdAt),
  ],
);

/** Owner-identification attempts per flat and per client, for the kiosk cool-downs and the office alert. */
export const identifyAttempts = sqliteTable(
  "identify_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    flatCode: text("flat_code").notNull(),
    /** The caller's address ("local" when unknown). */
    client: text("client").notNull().default("local"),
    at: text("at").notNull(),
    success: integer("success", { mode: "boolean" }).notNull(),
  },
  (t) => [
    index("identify_flat_idx").on(t.flatCode, t.at),
    index("identify_client_idx").on(t.client, t.at),
    index("identify_at_idx").on(t.at),
  ],
);
