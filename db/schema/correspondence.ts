import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A letter or notice the office asked us to deliver, with the routing decision we made. */
export const correspondence = sqliteTable("correspondence", {
  id: text("id").primaryKey(),
  flatCode: text("flat_code").notNull(),
  category: text("category").notNull(),
  generatedAt: text("generated_at").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  /** JSON array of { filename, contentType, sizeBytes, path }. */
  attachments: text("attachments").notNull().default("[]"),
  /** JSON of the routing decision returned to the office (returned again on a repeat). */
  decision: text("decision").notNull(),
  receivedAt: text("received_at").notNull(),
});

/** Delivery status changes, in order; the office pulls them by `seq` cursor. */
export const deliveries = sqliteTable("deliveries", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  messageId: text("message_id").notNull(),
  correspondenceId: text("correspondence_id"),
  channel: text("channel", { enum: ["email", "sms", "paper"] }).notNull(),
  status: text("status", { enum: ["queued", "sent", "delivered", "failed", "paper"] }).notNull(),
  reason: text("reason"),
  at: text("at").notNull(),
});
