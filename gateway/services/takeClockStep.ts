/**
 * Takes in a step of the system clock (see SteadyClock in clock.ts): in one transaction, records
 * the step and moves by the same amount every stored time that measures a duration from "now":
 * one-time codes and their send limits, identification failures and locks, staff lock-outs and
 * sessions, and the outbox's leases, retry times and expiry. A day's step forward therefore
 * neither expires every code, lease and message at once nor unlocks a locked flat; two hours back
 * do not stretch them. Register events are never rewritten (append-only): the register's append
 * keeps their times in order and this table explains the pause or the gap.
 */
import { type SQL, sql } from "drizzle-orm";
import { clockSteps } from "../../db/schema/index.ts";
import type { ClockStep } from "../clock.ts";
import type { CoreDeps } from "../deps.ts";

/** The longest window a stored time is read in (staff failures: up to 720 hours). */
const WINDOW_MS = 31 * 86_400_000;

/** `column` moved by `stepMs`, in the ISO form `toISOString()` writes. */
function shifted(column: string, stepMs: number): SQL {
  const seconds = `${stepMs >= 0 ? "+" : "-"}${(Math.abs(stepMs) / 1000).toFixed(3)} seconds`;
  return sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${sql.identifier(column)}, ${seconds})`;
}

interface Move {
  table: string;
  columns: string[];
  /** Which rows are still running on the old timeline (`:since` is the window's start there). */
  where: string;
}

const MOVES: Move[] = [
  { table: "otp_codes", columns: ["created_at", "expires_at", "confirmed_at"], where: "created_at > :since" },
  { table: "identify_attempts", columns: ["at"], where: "at > :since" },
  { table: "staff_login_failures", columns: ["at"], where: "at > :since" },
  { table: "staff_users", columns: ["locked_until"], where: "locked_until > :before" },
  { table: "staff_sessions", columns: ["created_at", "expires_at", "last_seen_at"], where: "expires_at > :before" },
  {
    table: "outbox",
    columns: ["next_attempt_at", "lease_until", "expires_at"],
    where: "status IN ('pending', 'sending')",
  },
];

export function takeClockStep(deps: Pick<CoreDeps, "db" | "logger">, step: ClockStep): Record<string, number> {
  const before = step.before.toISOString();
  const since = new Date(step.before.getTime() - WINDOW_MS).toISOString();
  const moved: Record<string, number> = {};
  deps.db.transaction((tx) => {
    for (const move of MOVES) {
      const sets = sql.join(
        move.columns.map((column) => sql`${sql.identifier(column)} = ${shifted(column, step.stepMs)}`),
        sql`, `,
      );
      const [left, right] = move.where.split(/:since|:before/);
      const bound = move.where.includes(":since") ? since : move.where.includes(":before") ? before : null;
      const where = bound === null ? sql.raw(move.where) : sql`${sql.raw(left)}${bound}${sql.raw(right ?? "")}`;
      const result = tx.run(sql`UPDATE ${sql.identifier(move.table)} SET ${sets} WHERE ${where}`) as unknown as {
        changes: number;
      };
      moved[move.table] = result.changes;
    }
    tx.insert(clockSteps)
      .values({
        before,
        after: step.after.toISOString(),
        stepMs: Math.round(step.stepMs),
        moved: JSON.stringify(moved),
      })
      .run();
  });
  deps.logger.warn(
    { stepSeconds: Math.round(step.stepMs / 1000), before, after: step.after.toISOString(), moved },
    "the system clock stepped; stored deadlines moved with it",
  );
  return moved;
}

/** The last step taken in, for /healthz and the doctor. */
export function lastClockStep(deps: Pick<CoreDeps, "db">): { at: string; seconds: number } | null {
  const row = deps.db.select().from(clockSteps).orderBy(sql`${clockSteps.id} DESC`).limit(1).get();
  return row ? { at: row.after, seconds: Math.round(row.stepMs / 1000) } : null;
}
