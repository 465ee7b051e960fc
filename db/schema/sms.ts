import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * SMS handed to the modem (gammu-smsd or the simulator), followed until a final delivery state.
 * `outboxId` is our idempotency key; gammu's tables carry it as `CreatorID`.
 */
export const smsMessages = sqliteTable(
  "sms_messages",
  {
    outboxId: text("outbox_id").primaryKey(),
    driver: text("driver", { enum: ["gammu", "simulator"] }).notNull(),
    /** gammu's outbox/sentitems `ID` (or the simulator's id). */
    externalId: text("external_id").notNull(),
    recipient: text("recipient").notNull(),
    encoding: text("encoding", { enum: ["GSM-7", "UCS-2"] }).notNull(),
    parts: integer("parts").notNull(),
    /**
     * queued: in the modem's outbox; sent: handed to the network, no report yet;
     * delivered / failed: final; pending_long: no report within `sms.deliveryPendingMinutes`.
     */
    state: text("state", { enum: ["queued", "sent", "delivered", "failed", "pending_long"] }).notNull(),
    /** The state last reported to the delivery record (a state is reported once). */
    reportedState: text("reported_state"),
    reason: text("reason"),
    injectedAt: text("injected_at").notNull(),
    sentAt: text("sent_at"),
    finalAt: text("final_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("sms_messages_state_idx").on(t.state),
    index("sms_messages_recipient_idx").on(t.recipient, t.injectedAt),
  ],
);

/** SMS received by the modem. STOP-like answers withdraw SMS consent; anything else is for the office. */
export const smsIncoming = sqliteTable(
  "sms_incoming",
  {
    /** Source-qualified id ("gammu:<inbox ID>", "sim:<uuid>"): a message is handled once. */
    id: text("id").primaryKey(),
    fromNumber: text("from_number").notNull(),
    text: text("text").notNull(),
    receivedAt: text("received_at").notNull(),
    /** withdrawn: consent withdrawn for `flatCodes`; office: kept for the office to read. */
    action: text("action", { enum: ["withdrawn", "office"] }).notNull(),
    /** JSON array of the flats whose SMS consent this message withdrew. */
    flatCodes: text("flat_codes").notNull().default("[]"),
    /** Outbox id of the confirmation SMS, when one was sent. */
    replyId: text("reply_id"),
    officeSeenAt: text("office_seen_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("sms_incoming_action_idx").on(t.action, t.createdAt)],
);
