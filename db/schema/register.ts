import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Append-only consent register. Each row carries the previous row's hash (a chain). */
export const registerEvents = sqliteTable(
  "register_events",
  {
    seq: integer("seq").primaryKey(),
    type: text("type").notNull(),
    flatCode: text("flat_code").notNull(),
    ownerId: text("owner_id"),
    /** Canonical JSON (RFC 8785) of the event payload. */
    payload: text("payload").notNull(),
    occurredAt: text("occurred_at").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("register_events_flat_idx").on(t.flatCode, t.seq)],
);

/** An operator's acknowledgement of a broken chain; writes resume from the acknowledged head. */
export const registerAcknowledgements = sqliteTable("register_acknowledgements", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  firstBadSeq: integer("first_bad_seq").notNull(),
  headSeq: integer("head_seq").notNull(),
  headHash: text("head_hash").notNull(),
  operator: text("operator").notNull(),
  note: text("note").notNull(),
  acknowledgedAt: text("acknowledged_at").notNull(),
});

/**
 * Paper forms already written to the register (typed in by staff or imported from the paper
 * register), by the form's reference number. The content hash makes a re-import a no-op and a
 * second, different form under the same number an error.
 */
export const paperForms = sqliteTable(
  "paper_forms",
  {
    reference: text("reference").primaryKey(),
    contentHash: text("content_hash").notNull(),
    source: text("source", { enum: ["paper_form", "paper_import"] }).notNull(),
    flatCode: text("flat_code").notNull(),
    ownerId: text("owner_id").notNull(),
    appliedAt: text("applied_at").notNull(),
    enteredBy: text("entered_by").notNull(),
    eventSeq: integer("event_seq").notNull(),
    recordedAt: text("recorded_at").notNull(),
  },
  (t) => [index("paper_forms_flat_idx").on(t.flatCode)],
);
