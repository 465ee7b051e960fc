import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Every bounce the reader took from the bounce mailbox, classified. An unclassified one keeps
 * its raw text (capped) so staff can read it in the console; none is dropped unseen.
 */
export const bounces = sqliteTable(
  "bounces",
  {
    id: text("id").primaryKey(),
    receivedAt: text("received_at").notNull(),
    kind: text("kind", {
      enum: ["permanent", "temporary", "mailbox_full", "delivered", "unclassified"],
    }).notNull(),
    /** The outbox message it is about, when VERP, the Message-ID or the address told us. */
    outboxId: text("outbox_id"),
    /** The address it blames (the outbox row's recipient when matched). */
    recipient: text("recipient"),
    status: text("status"),
    diagnostic: text("diagnostic"),
    format: text("format").notNull(),
    /** The message as received, only for unclassified bounces (at most 64 KiB). */
    raw: text("raw"),
    /** Set when a staff member has looked at an unclassified bounce. */
    reviewedBy: text("reviewed_by"),
    reviewedAt: text("reviewed_at"),
  },
  (t) => [index("bounces_kind_idx").on(t.kind, t.receivedAt), index("bounces_recipient_idx").on(t.recipient, t.kind)],
);
