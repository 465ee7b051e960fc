/** Disables a staff user: the login is refused from now on and every session ends. */
import { eq } from "drizzle-orm";
import { staffSessions, staffUsers } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";

export function disableStaffUser(
  deps: Pick<CoreDeps, "db" | "clock">,
  input: { username: string },
): { username: string; revokedSessions: number; alreadyDisabled: boolean } {
  const username = input.username.trim().toLowerCase();
  return deps.db.transaction((tx) => {
    const user = tx.select().from(staffUsers).where(eq(staffUsers.username, username)).get();
    if (!user) throw new KioskError("NOT_FOUND", `no staff user ${username}`);
    if (!user.disabledAt) {
      tx.update(staffUsers).set({ disabledAt: deps.clock.now().toISOString() }).where(eq(staffUsers.id, user.id)).run();
    }
    const revokedSessions = tx
      .delete(staffSessions)
      .where(eq(staffSessions.userId, user.id))
      .returning({ t: staffSessions.tokenHash })
      .all().length;
    return { username, revokedSessions, alreadyDisabled: Boolean(user.disabledAt) };
  });
}
