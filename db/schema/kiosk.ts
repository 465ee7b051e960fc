import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Public halves of the kiosk's Ed25519 signing keys. The private key stays on disk (0600). */
export const kioskKeys = sqliteTable("kiosk_keys", {
  kid: text("kid").primaryKey(),
  publicJwk: text("public_jwk").notNull(),
  createdAt: text("created_at").notNull(),
  retiredAt: text("retired_at"),
});

/** Signed confirmation slips. `number` is "<kiosk id>-<seq>". */
export const receipts = sqliteTable("receipts", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  number: text("number").notNull().unique(),
  eventSeq: integer("event_seq").notNull(),
  /** Canonical JSON of the signed receipt data. */
  data: text("data").notNull(),
  signature: text("signature").notNull(),
  kid: text("kid").notNull(),
  printStatus: text("print_status", { enum: ["pending", "printed", "failed"] })
    .notNull()
    .default("pending"),
  printError: text("print_error"),
  createdAt: text("created_at").notNull(),
  printedAt: text("printed_at"),
});

/** Kiosk sessions' idempotency keys: a double tap never creates two enrolments. */
export const kioskRequests = sqliteTable(
  "kiosk_requests",
  {
    key: text("key").primaryKey(),
    response: text("response").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("kiosk_requests_created_idx").on(t.createdAt)],
);
