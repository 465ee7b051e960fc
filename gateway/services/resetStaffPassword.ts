/** Sets a new password for an existing staff user and ends all of that user's sessions. */
import { eq } from "drizzle-orm";
import { staffSessions, staffUsers } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";
import { hashPassword } from "../staff/passwords.ts";
import { checkStaffPassword } from "./addStaffUser.ts";

export function resetStaffPassword(
  deps: Pick<CoreDeps, "db">,
  input: { username: string; password: string },
): { username: string; revokedSessions: number } {
  const username = input.username.trim().toLowerCase();
  checkStaffPassword(input.password);
  const passwordHash = hashPassword(input.password);
  return deps.db.transaction((tx) => {
    const user = tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.username, username)).get();
    if (!user) throw new KioskError("NOT_FOUND", `no staff user ${username}`);
    tx.update(staffUsers)
      .set({ passwordHash, failedAttempts: 0, lockedUntil: null })
      .where(eq(staffUsers.id, user.id))
      .run();
    const revokedSessions = tx
      .delete(staffSessions)
      .where(eq(staffSessions.userId, user.id))
      .returning({ t: staffSessions.tokenHash })
      .all().length;
    return { username, revokedSessions };
  });
}
