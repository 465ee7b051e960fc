/**
 * Adds a staff console user, or sets a new password for an existing one (then that user's
 * sessions are revoked). `onExisting: "fail"` refuses an existing user name (the `add` command).
 */
import { eq } from "drizzle-orm";
import { staffSessions, staffUsers } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";
import { hashPassword } from "../staff/passwords.ts";

export const USERNAME = /^[a-z0-9._-]{2,40}$/;
export const MIN_PASSWORD = 10;

export function checkStaffPassword(password: string): void {
  if (password.length < MIN_PASSWORD)
    throw new KioskError("BAD_REQUEST", `password: at least ${MIN_PASSWORD} characters`);
}

export function addStaffUser(
  deps: Pick<CoreDeps, "db" | "clock">,
  input: { username: string; displayName?: string; password: string; onExisting?: "fail" | "replace" },
): { id: number; username: string; revokedSessions: number } {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME.test(username)) throw new KioskError("BAD_REQUEST", "username: 2-40 of a-z 0-9 . _ -");
  checkStaffPassword(input.password);
  const passwordHash = hashPassword(input.password);
  return deps.db.transaction((tx) => {
    const existing = tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.username, username)).get();
    if (existing && input.onExisting === "fail") {
      throw new KioskError("CONFLICT", `staff user ${username} already exists (use reset-password)`);
    }
    const row = tx
      .insert(staffUsers)
      .values({
        username,
        displayName: input.displayName ?? username,
        passwordHash,
        createdAt: deps.clock.now().toISOString(),
      })
      .onConflictDoUpdate({
        target: staffUsers.username,
        set: {
          passwordHash,
          failedAttempts: 0,
          lockedUntil: null,
          disabledAt: null,
          ...(input.displayName ? { displayName: input.displayName } : {}),
        },
      })
      .returning({ id: staffUsers.id, username: staffUsers.username })
      .get();
    const revokedSessions = existing
      ? tx.delete(staffSessions).where(eq(staffSessions.userId, row.id)).returning({ t: staffSessions.tokenHash }).all()
          .length
      : 0;
    return { ...row, revokedSessions };
  });
}
