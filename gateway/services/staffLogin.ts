/**
 * Staff console login. Wrong passwords are counted per user name (known or not) and client
 * address: that pair, and a client trying many names, wait longer after each further failure;
 * the real user on another device is never locked out. Guesses for one user spread over many
 * devices are limited too: after `staff.userMaxFailures` of them, devices without the user's
 * device cookie wait (staff/deviceCookie.ts), while the user's own browsers still get in.
 * Unknown users and wrong passwords get the same answer. A session ends after
 * `staff.idleMinutes` unused and `staff.sessionHours` in all; the cookie token is returned once
 * and only its hash is stored.
 *
 * A flood of wrong logins must not slow the kiosk (bench/abuse.ts): the counts are prepared
 * statements, a client's imposed wait is remembered for the route to refuse before reading the
 * next request (RefusalMemo), and the log gets one line per client at doubling counts.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, gt, lt, max, sql } from "drizzle-orm";
import { type Db, perDatabase } from "../../db/client.ts";
import { writeCounter } from "../../db/counterWrites.ts";
import { staffLoginFailures, staffSessions, staffUsers } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { delayAfter, type ThrottleLimits, waitMs } from "../domain/throttle.ts";
import { KioskError } from "../errors.ts";
import type { HashPool } from "../hashing.ts";
import type { RefusalMemo } from "../refusals.ts";
import { deviceCookieName, isDeviceOf, issueDeviceCookie } from "../staff/deviceCookie.ts";
import { DUMMY_HASH, verifyPassword } from "../staff/passwords.ts";
import { raiseOfficeAlert } from "./raiseOfficeAlert.ts";

export interface StaffSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: { id: number; username: string; displayName: string };
  /** The device cookie to set (or renew) in this browser for this user. */
  device: { name: string; value: string; maxAgeSeconds: number };
}

export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

type LoginDeps = Pick<CoreDeps, "db" | "clock" | "config" | "logger"> & {
  hashing: HashPool;
  refusals: RefusalMemo;
  staffDeviceKey: Uint8Array;
};

/** The keys a client's own wait is remembered under (see RefusalMemo), for the route's early check. */
export const staffClientKey = (client: string) => `staff-client:${client}`;

const FAILURES = {
  n: count(),
  last: max(staffLoginFailures.at),
};

/** The login's queries, prepared once per database: a flood of logins builds no SQL. */
function statementsFor(db: Db) {
  const since = gt(staffLoginFailures.at, sql.placeholder("since"));
  const username = eq(staffLoginFailures.username, sql.placeholder("username"));
  const client = eq(staffLoginFailures.client, sql.placeholder("client"));
  return {
    pair: db
      .select(FAILURES)
      .from(staffLoginFailures)
      .where(and(username, client, since))
      .prepare(),
    client: db.select(FAILURES).from(staffLoginFailures).where(and(client, since)).prepare(),
    user: db.select(FAILURES).from(staffLoginFailures).where(and(username, since)).prepare(),
    account: db
      .select()
      .from(staffUsers)
      .where(eq(staffUsers.username, sql.placeholder("username")))
      .prepare(),
    fail: db
      .insert(staffLoginFailures)
      .values({
        username: sql.placeholder("username"),
        client: sql.placeholder("client"),
        at: sql.placeholder("at"),
      })
      .prepare(),
  };
}
const statements = perDatabase(statementsFor);

const failuresOf = (row: { n: number; last: string | null } | undefined) => ({
  n: row?.n ?? 0,
  last: row?.last ? Date.parse(row.last) : 0,
});

/** Log lines for wrong passwords: the 1st, 2nd, 4th, 8th… failure of a client, with its count. */
const worthLogging = (failures: number) => (failures & (failures - 1)) === 0;

export async function staffLogin(
  deps: LoginDeps,
  input: { username: string; password: string; client: string; deviceCookie?: (name: string) => string | undefined },
): Promise<StaffSession> {
  const now = deps.clock.now();
  const s = deps.config.staff;
  const q = statements(deps.db);
  const username = input.username.trim().toLowerCase();
  const since = new Date(now.getTime() - s.failureWindowHours * 3_600_000).toISOString();
  const limits = (free: number): ThrottleLimits => ({
    free,
    firstMs: s.firstDelaySeconds * 1000,
    maxMs: s.lockoutMinutes * 60_000,
  });
  // Checks still in flight count as failures just made, so a parallel burst is refused before hashing.
  const keys = {
    pair: `staff-pair:${username}|${input.client}`,
    client: staffClientKey(input.client),
    user: `staff-user:${username}`,
  };
  const counted = (f: { n: number; last: number }, inFlight: number) =>
    inFlight > 0 ? { n: f.n + inFlight, last: now.getTime() } : f;
  const refuse = (wait: number) =>
    new KioskError("TOO_MANY_ATTEMPTS", "too many wrong passwords: wait before trying again", {
      retryAfterSeconds: Math.ceil(wait / 1000),
    });

  const clientStored = failuresOf(q.client.get({ client: input.client, since }));
  const clientWait = waitMs(clientStored.n, clientStored.last, now.getTime(), limits(s.clientMaxFailures));
  deps.refusals.note(keys.client, now.getTime(), now.getTime() + clientWait);
  const pair = counted(
    failuresOf(q.pair.get({ username, client: input.client, since })),
    deps.hashing.pending(keys.pair),
  );
  const client = counted(clientStored, deps.hashing.pending(keys.client));
  const wait = Math.max(
    waitMs(pair.n, pair.last, now.getTime(), limits(s.maxFailedLogins)),
    waitMs(client.n, client.last, now.getTime(), limits(s.clientMaxFailures)),
  );
  if (wait > 0) throw refuse(wait);

  const user = q.account.get({ username });
  const usable = user && !user.disabledAt ? user : null;
  // A browser that signed in as this user before is not one of the many devices guessing it.
  const knownDevice = isDeviceOf(deps.staffDeviceKey, input.deviceCookie?.(deviceCookieName(username)), usable);
  const forUser = knownDevice
    ? { n: 0, last: 0 }
    : counted(failuresOf(q.user.get({ username, since })), deps.hashing.pending(keys.user));
  const userWait = waitMs(forUser.n, forUser.last, now.getTime(), limits(s.userMaxFailures));
  if (userWait > 0) throw refuse(userWait);

  const ok = await verifyPassword(
    deps.hashing,
    input.password,
    usable?.passwordHash ?? DUMMY_HASH,
    knownDevice ? [keys.pair, keys.client] : [keys.pair, keys.client, keys.user],
  );
  if (!ok || !usable) {
    const at = deps.clock.now();
    writeCounter(deps.db, () => q.fail.run({ username, client: input.client, at: at.toISOString() }));
    const clientFailures = client.n + 1;
    // The next attempt from this client is refused before it is read, until this wait is over.
    deps.refusals.note(
      keys.client,
      at.getTime(),
      at.getTime() + delayAfter(clientStored.n + 1, limits(s.clientMaxFailures)),
    );
    if (worthLogging(clientFailures))
      deps.logger.warn({ client: input.client, failures: clientFailures }, "staff login failed");
    if (clientFailures >= s.clientMaxFailures) {
      raiseOfficeAlert(deps, {
        kind: "staff_login_flood",
        scope: `client:${input.client}`,
        details: { client: input.client, failures: clientFailures },
      });
    }
    if (!knownDevice && forUser.n + 1 >= s.userMaxFailures) {
      // Only staff read alerts, but a name typed by a stranger may be anything: name known users only.
      raiseOfficeAlert(deps, {
        kind: "staff_user_guessing",
        scope: `user:${usable ? username : "?"}`,
        details: { user: usable ? username : "(unknown name)", failures: forUser.n + 1 },
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
    device: {
      name: deviceCookieName(username),
      value: issueDeviceCookie(deps.staffDeviceKey, username, usable.passwordHash),
      maxAgeSeconds: s.deviceCookieDays * 86_400,
    },
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
