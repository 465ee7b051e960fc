import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Steps of the system clock the gateway took in (NTP correcting a Pi without a battery clock):
 * `before` is the last reading on the old timeline, `after` the first on the new one. Register
 * events keep their order across a step; this table is what explains a gap or a pause in their
 * times. `moved` counts the stored deadlines shifted by the step (JSON, no personal data).
 */
export const clockSteps = sqliteTable("clock_steps", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  before: text("before").notNull(),
  after: text("after").notNull(),
  stepMs: integer("step_ms").notNull(),
  moved: text("moved").notNull().default("{}"),
});
