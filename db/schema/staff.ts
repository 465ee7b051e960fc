import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Office staff who use the console at /office/. Passwords are scrypt hashes. */
export const staffUsers = sqliteTable("staff_users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  /** Wrong passwords in a row; reset by a successful login. */
  failedAttempts: integer("failed_attempts").notNull().default(0),
  lockedUntil: text("locked_until"),
  createdAt: text("created_at").notNull(),
  lastLoginAt: text("last_login_at"),
  disabledAt: text("disabled_at"),
});

/** Console sessions: the cookie carries the token, the table keeps only its SHA-256. */
export const staffSessions = sqliteTable(
  "staff_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => staffUsers.id),
    csrfToken: text("csrf_token").notNull(),
    createdAt: text("created_at").notNull(),
    /** Absolute end (staff.sessionHours after sign-in); the idle end follows lastSeenAt. */
    expiresAt: text("expires_at").notNull(),
    lastSeenAt: text("last_seen_at"),
  },
  (t) => [index("staff_sessions_user_idx").on(t.userId)],
);

/**
 * Wrong staff passwords, per user name as typed (known or not) and per client address: the
 * delays are per (user, client), per client, and per user for devices without the user's
 * device cookie, so nobody can lock a real user out.
 */
export const staffLoginFailures = sqliteTable(
  "staff_login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull(),
    client: text("client").notNull(),
    at: text("at").notNull(),
  },
  (t) => [
    index("staff_failures_client_idx").on(t.client, t.at),
    index("staff_failures_user_idx").on(t.username, t.at),
    index("staff_failures_at_idx").on(t.at),
  ],
);
