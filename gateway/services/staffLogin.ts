/**
 * Staff console login: checks the password, locks the account for a while after repeated
 * failures, and opens a session (the cookie token is returned once; only its hash is stored).
 */
import { createHash, randomBytes } from "node:crypto";
import { eq, lt } from "drizzle-orm";
import { staffSessions, staffUsers } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";
import { DUMMY_HASH, verifyPassword } from "../staff/passwords.ts";

export interface StaffSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: { id: number; username: string; displayName: string };
}

export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

export function staffLogin(
  deps: Pick<CoreDeps, "db" | "clock" | "config" | "logger">,
  input: { username: string; password: string },
): StaffSession {
  const now = deps.clock.now();
  const { maxFailedLogins, lockoutMinutes, sessionHours } = deps.config.staff;
  const username = input.username.trim().toLowerCase();
  const user = deps.db.select().from(staffUsers).where(eq(staffUsers.username, username)).get();
  if (!user || user.disabledAt) {
    verifyPassword(input.password, DUMMY_HASH);
    throw new KioskError("UNAUTHORIZED", "wrong username or password");
  }
  if (user.lockedUntil && Date.parse(user.lockedUntil) > now.getTime()) {
    throw new KioskError("TOO_MANY_ATTEMPTS", "account locked after repeated failures", {
      retryAfterSeconds: Math.ceil((Date.parse(user.lockedUntil) - now.getTime()) / 1000),
    });
  }
  if (!verifyPassword(input.password, user.passwordHash)) {
    const failures = user.failedAttempts + 1;
    const lock = failures >= maxFailedLogins;
    deps.db
      .update(staffUsers)
      .set({
        failedAttempts: lock ? 0 : failures,
        lockedUntil: lock ? new Date(now.getTime() + lockoutMinutes * 60_000).toISOString() : user.lockedUntil,
      })
      .where(eq(staffUsers.id, user.id))
      .run();
    deps.logger.warn({ staff: username, failures, locked: lock }, "staff login failed");
    if (lock) {
      throw new KioskError("TOO_MANY_ATTEMPTS", "account locked after repeated failures", {
        retryAfterSeconds: lockoutMinutes * 60,
      });
    }
    throw new KioskError("UNAUTHORIZED", "wrong username or password", { attemptsLeft: maxFailedLogins - failures });
  }
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000).toISOString();
  deps.db.transaction((tx) => {
    tx.delete(staffSessions).where(lt(staffSessions.expiresAt, now.toISOString())).run();
    tx.insert(staffSessions)
      .values({ tokenHash: tokenHash(token), userId: user.id, csrfToken, createdAt: now.toISOString(), expiresAt })
      .run();
    tx.update(staffUsers)
      .set({ failedAttempts: 0, lockedUntil: null, lastLoginAt: now.toISOString() })
      .where(eq(staffUsers.id, user.id))
      .run();
  });
  deps.logger.info({ staff: username }, "staff login");
  return { token, csrfToken, expiresAt, user: { id: user.id, username: user.username, displayName: user.displayName } };
}

/** The session behind a cookie token, or null when unknown or expired. */
export function staffSessionOf(deps: Pick<CoreDeps, "db" | "clock">, token: string | undefined) {
  if (!token) return null;
  const row = deps.db
    .select({
      tokenHash: staffSessions.tokenHash,
      csrfToken: staffSessions.csrfToken,
      expiresAt: staffSessions.expiresAt,
      id: staffUsers.id,
      username: staffUsers.username,
      displayName: staffUsers.displayName,
      disabledAt: staffUsers.disabledAt,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(eq(staffSessions.tokenHash, tokenHash(token)))
    .get();
  if (!row || row.disabledAt || Date.parse(row.expiresAt) <= deps.clock.now().getTime()) return null;
  return row;
}

export function staffLogout(deps: Pick<CoreDeps, "db">, token: string): void {
  deps.db
    .delete(staffSessions)
    .where(eq(staffSessions.tokenHash, tokenHash(token)))
    .run();
}
