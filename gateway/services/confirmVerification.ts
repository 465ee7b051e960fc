/**
 * Checks a one-time code: single use, valid until `expiresAt`, at most
 * `verification.maxWrongAttempts` wrong tries. Success sets `confirmedAt`, which the enrolment
 * verb checks (by id, with channel and contact).
 */
import { and, eq, isNull, lt } from "drizzle-orm";
import { otpCodes } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { KioskError } from "../errors.ts";
import { verifySecret } from "../secrets.ts";
import type { VerificationChannel } from "./requestVerification.ts";

export interface VerificationConfirmed {
  verified: true;
  id: string;
  channel: VerificationChannel;
  to: string;
}

export function confirmVerification(deps: CoreDeps, input: { id: string; code: string }): VerificationConfirmed {
  const max = deps.config.verification.maxWrongAttempts;
  const code = input.code.replace(/\s+/g, "");
  const outcome = deps.db.transaction((tx) => {
    const row = tx.select().from(otpCodes).where(eq(otpCodes.id, input.id)).get();
    if (!row) throw new KioskError("NOT_FOUND", "no such verification");
    if (row.confirmedAt) throw new KioskError("CODE_USED", "this code has already been used");
    if (row.attempts >= max) {
      throw new KioskError("TOO_MANY_ATTEMPTS", "too many wrong codes: ask for a new one", { attemptsLeft: 0 });
    }
    const now = deps.clock.now();
    if (now.getTime() >= Date.parse(row.expiresAt)) throw new KioskError("CODE_EXPIRED", "the code has expired");
    if (!/^\d{6}$/.test(code) || !verifySecret(code, row.codeHash)) {
      // Counted atomically so two parallel guesses cannot both slip under the limit.
      tx.update(otpCodes)
        .set({ attempts: row.attempts + 1 })
        .where(and(eq(otpCodes.id, row.id), lt(otpCodes.attempts, max)))
        .run();
      return { ok: false as const, attemptsLeft: Math.max(0, max - row.attempts - 1) };
    }
    const used = tx
      .update(otpCodes)
      .set({ confirmedAt: now.toISOString() })
      .where(and(eq(otpCodes.id, row.id), isNull(otpCodes.confirmedAt)))
      .returning({ id: otpCodes.id })
      .all();
    if (used.length === 0) throw new KioskError("CODE_USED", "this code has already been used");
    return { ok: true as const, row };
  });
  if (!outcome.ok) {
    throw new KioskError("CODE_WRONG", "the code is not correct", { attemptsLeft: outcome.attemptsLeft });
  }
  deps.logger.info({ verification: input.id, channel: outcome.row.channel }, "contact verified");
  return { verified: true, id: outcome.row.id, channel: outcome.row.channel, to: outcome.row.contact };
}
