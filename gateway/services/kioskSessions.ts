/**
 * Identified kiosk sessions: an opaque token bound to one flat and one owner, expiring after
 * inactivity. Held in memory: a gateway restart simply sends the resident back to Identify.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "../clock.ts";
import { KioskError } from "../errors.ts";

export interface KioskSession {
  /** A stable, non-secret name for the session (stored with the codes it asked for). */
  key: string;
  flatCode: string;
  ownerId: string;
  expiresAt: number;
}

export function sessionKeyOf(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 32);
}

export class KioskSessions {
  private readonly sessions = new Map<string, KioskSession>();

  constructor(
    private readonly clock: Clock,
    private readonly idleMs = 15 * 60_000,
  ) {}

  open(flatCode: string, ownerId: string): string {
    this.prune();
    const token = randomBytes(24).toString("base64url");
    this.sessions.set(token, {
      key: sessionKeyOf(token),
      flatCode,
      ownerId,
      expiresAt: this.clock.now().getTime() + this.idleMs,
    });
    return token;
  }

  /** The session behind a token, refreshed; UNAUTHORIZED when unknown or expired. */
  require(token: string): KioskSession {
    const session = this.sessions.get(token);
    const now = this.clock.now().getTime();
    if (!session || session.expiresAt < now) {
      this.sessions.delete(token);
      throw new KioskError("UNAUTHORIZED", "the kiosk session expired; identify again");
    }
    session.expiresAt = now + this.idleMs;
    return session;
  }

  /** A clock step was taken in: idle ends move with it, so a step neither ends nor stretches a visit. */
  shift(stepMs: number): void {
    for (const session of this.sessions.values()) session.expiresAt += stepMs;
  }

  end(token: string): void {
    this.sessions.delete(token);
  }

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [token, session] of this.sessions) if (session.expiresAt < now) this.sessions.delete(token);
  }
}
