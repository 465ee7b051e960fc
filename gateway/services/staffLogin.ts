/**
 * Staff console login. Wrong passwords are counted per user name (known or not) and client
 * address: that pair, and a client trying many names, wait longer after each further failure;
 * the real user on another device is never locked out. Unknown users and wrong passwords get
 * the same answer. A session ends after `staff.idleMinutes` unused and `staff.sessionHours` in
 * all; the cookie token is returned once and only its hash is stored.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, gt, lt, max, type SQL } from "drizzle-orm";
import { writeCounter } from "../../db/counterWrites.ts";
import { staffLoginFailures, staffSessions, staffUsers } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { type ThrottleLimits, waitMs } from "../domain/throttle.ts";
import { KioskError } from "../errors.ts";
import type { HashPool } from "../hashing.ts";
import { DUMMY_HASH, verifyPassword } from "../staff/passwords.ts";
import { raiseOfficeAlert } from "./raiseOfficeAlert.ts";

export interface StaffSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: { id: number; username: string; displayName: string };
}

export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

type LoginDeps = Pick<CoreDeps, "db" | "clock" | "config" | "logger"> & { hashing: HashPool };

function failuresSince(deps: LoginDeps, since: string, where: SQL | undefined) {
  const row = deps.db
    .select({ n: count(), last: max(staffLoginFailures.at) })
    .from(staffLoginFailures)
    .where(and(where, gt(staffLoginFailures.at, since)))
    .get();
  return { n: row?.n ?? 0, last: row?.last ? Date.parse(row.last) : 0 };
}

export async function staffLogin(
  deps: LoginDeps,
  input: { username: string; password: string; client: string },
): Promise<StaffSession> {
  const now = deps.clock.now();
  const s = deps.config.staff;
  const username = input.username.trim().toLowerCase();
  const since = new Date(now.getTime() - s.failureWindowHours * 3_600_000).toISOString();
  const maxMs = s.lockoutMinutes * 60_000;
  const pairLimits: ThrottleLimits = { free: s.maxFailedLogins, firstMs: s.firstDelaySeconds * 1000, maxMs };
  const clientLimits: ThrottleLimits = { free: s.clientMaxFailures, firstMs: s.firstDelaySeconds * 1000, maxMs };
  // Checks still in flight count as failures just made, so a parallel burst is refused before hashing.
  const keys = { pair: `staff-pair:${username}|${input.client}`, client: `staff-client:${input.client}` };
  const counted = (f: { n: number; last: number }, inFlight: number) =>
    inFlight > 0 ? { n: f.n + inFlight, last: now.getTime() } : f;
  const pair = counted(
    failuresSince(
      deps,
      since,
      and(eq(staffLoginFailures.username, username), eq(staffLoginFailures.client, input.client)),
    ),
    deps.hashing.pending(keys.pair),
  );
  const client = counted(
    failuresSince(deps, since, eq(staffLoginFailures.client, input.client)),
    deps.hashing.pending(keys.client),
  );
  const wait = Math.max(
    waitMs(pair.n, pair.last, now.getTime(), pairLimits),
    waitMs(client.n, client.last, now.getTime(), clientLimits),
  );
  if (wait > 0) {
    throw new KioskError("TOO_MANY_ATTEMPTS", "too many wrong passwords: wait before trying again", {
      retryAfterSeconds: Math.ceil(wait / 1000),
    });
  }

  const user = deps.db.select().from(staffUsers).where(eq(staffUsers.username, username)).get();
  const usable = user && !user.disabledAt ? user : null;
  const ok = await verifyPassword(deps.hashing, input.password, usable?.passwordHash ?? DUMMY_HASH, [
    keys.pair,
    keys.client,
  ]);
  if (!ok || !usable) {
    const at = deps.clock.now().toISOString();
    writeCounter(deps.db, () =>
      deps.db.insert(staffLoginFailures).values({ username, client: input.client, at }).run(),
    );
    deps.logger.warn({ client: input.client, failures: pair.n + 1 }, "staff login failed");
    if (client.n + 1 === s.clientMaxFailures) {
      raiseOfficeAlert(deps, {
        kind: "staff_login_flood",
        scope: `client:${input.client}`,
        details: { client: input.client, failures: client.n + 1 },
      });
    }
    throw new KioskError("UNAUTHORIZED", "wrong username or password", {
      attemptsLeft: Math.max(0, s.maxFailedLogins - pair.n - 1),
    });
  }

  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const at = deps.clock.now();
  const expiresAt = new Date(at.getTime() + s.sessionHours * 3_600_000).toISOString();
  deps.db.transaction((tx) => {
    tx.delete(staffSessions).where(lt(staffSessions.expiresAt, at.toISOString())).run();
    tx.insert(staffSessions)
      .values({
        tokenHash: tokenHash(token),
        userId: usable.id,
        csrfToken,
        createdAt: at.toISOString(),
        lastSeenAt: at.toISOString(),
        expiresAt,
      })
      .run();
    tx.delete(staffLoginFailures)
      .where(and(eq(staffLoginFailures.username, username), eq(staffLoginFailures.client, input.client)))
      .run();
    tx.update(staffUsers)
      .set({ failedAttempts: 0, lockedUntil: null, lastLoginAt: at.toISOString() })
      .where(eq(staffUsers.id, usable.id))
      .run();
  });
  deps.logger.info({ staff: username }, "staff login");
  return {
    token,
    csrfToken,
    expiresAt,
    user: { id: usable.id, username: usable.username, displayName: usable.displayName },
  };
}

/**
 * The session behind a cookie token, or null when unknown, idle too long or past its absolute
 * end. A valid session's idle clock restarts.
 */
export function staffSessionOf(deps: Pick<CoreDeps, "db" | "clock" | "config">, token: string | undefined) {
  if (!token) return null;
  const hash = tokenHash(token);
  const row = deps.db
    .select({
      tokenHash: staffSessions.tokenHash,
      csrfToken: staffSessions.csrfToken,
      createdAt: staffSessions.createdAt,
      lastSeenAt: staffSessions.lastSeenAt,
      expiresAt: staffSessions.expiresAt,
      id: staffUsers.id,
      username: staffUsers.username,
      displayName: staffUsers.displayName,
      disabledAt: staffUsers.disabledAt,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(eq(staffSessions.tokenHash, hash))
    .get();
  const now = deps.clock.now();
  if (!row || row.disabledAt || Date.parse(row.expiresAt) <= now.getTime()) return null;
  const lastSeen = Date.parse(row.lastSeenAt ?? row.createdAt);
  if (now.getTime() - lastSeen >= deps.config.staff.idleMinutes * 60_000) {
    deps.db.delete(staffSessions).where(eq(staffSessions.tokenHash, hash)).run();
    return null;
  }
  deps.db.update(staffSessions).set({ lastSeenAt: now.toISOString() }).where(eq(staffSessions.tokenHash, hash)).run();
  return row;
}

export function staffLogout(deps: Pick<CoreDeps, "db">, token: string): void {
  deps.db
    .delete(staffSessions)
    .where(eq(staffSessions.tokenHash, tokenHash(token)))
    .run();
}

/** Ends every session of a user (password reset, account disabled). */
export function revokeStaffSessions(deps: Pick<CoreDeps, "db">, userId: number): number {
  return deps.db
    .delete(staffSessions)
    .where(eq(staffSessions.userId, userId))
    .returning({ t: staffSessions.tokenHash })
    .all().length;
}
