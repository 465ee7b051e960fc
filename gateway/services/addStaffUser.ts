/** Adds (or resets the password of) a staff console user. */
import { staffUsers } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";
import { hashPassword } from "../staff/passwords.ts";

export function addStaffUser(
  deps: Pick<CoreDeps, "db" | "clock">,
  input: { username: string; displayName?: string; password: string },
): { id: number; username: string } {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{2,40}$/.test(username)) throw new KioskError("BAD_REQUEST", "username: 2-40 of a-z 0-9 . _ -");
  if (input.password.length < 10) throw new KioskError("BAD_REQUEST", "password: at least 10 characters");
  const passwordHash = hashPassword(input.password);
  const row = deps.db
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
  return row;
}
