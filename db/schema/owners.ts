import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { flats } from "./flats.ts";

export const owners = sqliteTable("owners", {
  id: text("id").primaryKey(),
  firstName: text("first_name").notNull(),
  surname: text("surname").notNull(),
  /** Lower-cased, diacritics-folded surname used to match what a resident types. */
  surnameKey: text("surname_key").notNull(),
  /** False once the office's register no longer lists this person. History stays. */
  active: integer("active", { mode: "boolean" }).notNull().default(true),
});

/** Owner or co-owner of a flat. A flat has zero or more; an owner may hold several flats. */
export const ownershipShares = sqliteTable(
  "ownership_shares",
  {
    flatCode: text("flat_code")
      .notNull()
      .references(() => flats.code),
    ownerId: text("owner_id")
      .notNull()
      .references(() => owners.id),
    role: text("role", { enum: ["owner", "co_owner"] }).notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.flatCode, t.ownerId] })],
);
