import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Every outgoing message, written in the same transaction as the decision that caused it.
 * Workers claim rows with a lease; `id` doubles as the idempotency key that travels with the
 * message (email Message-ID, gammu CreatorID).
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    channel: text("channel", { enum: ["email", "sms"] }).notNull(),
    kind: text("kind", { enum: ["otp", "notice", "reminder", "correspondence", "heads_up"] }).notNull(),
    /** Lower sends first: 0 codes, 1 reminders/notices, 2 bulk letters. */
    priority: integer("priority").notNull(),
    recipient: text("recipient").notNull(),
    /** JSON: { subject?, text, html?, attachments? } */
    payload: text("payload").notNull(),
    category: text("category"),
    correspondenceId: text("correspondence_id"),
    flatCode: text("flat_code"),
    status: text("status", { enum: ["pending", "sending", "sent", "delivered", "failed", "paper"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: text("lease_until"),
    /** After this moment the message falls back to paper instead of retrying. */
    expiresAt: text("expires_at").notNull(),
    externalId: text("external_id"),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("outbox_claim_idx").on(t.status, t.priority, t.nextAttemptAt)],
);
