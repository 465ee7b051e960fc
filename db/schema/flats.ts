import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A building of the cooperative, e.g. "ul. Kelecka 10, Radom". */
export const buildings = sqliteTable("buildings", {
  id: text("id").primaryKey(),
  address: text("address").notNull(),
  city: text("city").notNull(),
});

/** A flat (lokal). `code` is the office's identifier, e.g. "KEL10-A-12". */
export const flats = sqliteTable(
  "flats",
  {
    code: text("code").primaryKey(),
    buildingId: text("building_id")
      .notNull()
      .references(() => buildings.id),
    staircase: text("staircase").notNull(),
    number: text("number").notNull(),
    /** scrypt hash of the owner verification code (default: last 6 digits of the flat's bank account). */
    secretHash: text("secret_hash"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [uniqueIndex("flats_address_uq").on(t.buildingId, t.staircase, t.number)],
);
