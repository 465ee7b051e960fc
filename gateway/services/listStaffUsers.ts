/** Staff users with their state, for the `staff list` command (no password hashes). */
import { asc, count, gt } from "drizzle-orm";
import { staffSessions, staffUsers } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export interface StaffUserRow {
  username: string;
  displayName: string;
  createdAt: string;
  lastLoginAt: string | null;
  disabledAt: string | null;
  activeSessions: number;
}

export function listStaffUsers(deps: Pick<CoreDeps, "db" | "clock">): StaffUserRow[] {
  const now = deps.clock.now().toISOString();
  const sessions = new Map(
    deps.db
      .select({ userId: staffSessions.userId, n: count() })
      .from(staffSessions)
      .where(gt(staffSessions.expiresAt, now))
      .groupBy(staffSessions.userId)
      .all()
      .map((r) => [r.userId, r.n]),
  );
  return deps.db
    .select()
    .from(staffUsers)
    .orderBy(asc(staffUsers.username))
    .all()
    .map((u) => ({
      username: u.username,
      displayName: u.displayName,
      createdAt: u.createdAt,
      lastLoginAt: u.lastLoginAt,
      disabledAt: u.disabledAt,
      activeSessions: sessions.get(u.id) ?? 0,
    }));
}
