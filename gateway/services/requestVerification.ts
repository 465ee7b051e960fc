/**
 * Sends a one-time code to a contact the resident typed at the kiosk: 6 digits, valid
 * `verification.codeTtlSeconds`, stored hashed, enqueued with top priority (kind `otp`) in the
 * same transaction. Rate limits protect the cooperative's SMS money: one code per contact per
 * `resendAfterSeconds`, `codesPerContactPerHour` per contact, `codesPerKioskPerHour` per kiosk.
 */
import { randomInt, randomUUID } from "node:crypto";
import { and, asc, count, eq, gt } from "drizzle-orm";
import { otpCodes } from "../../db/schema/index.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import { languageOf } from "../domain/channelSentences.ts";
import { checkEmail, checkMobile } from "../domain/contacts.ts";
import { KioskError } from "../errors.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { codeText } from "../messaging/templates/residentTexts.ts";
import { hashSecret } from "../secrets.ts";

export type VerificationChannel = "sms" | "email";

export interface VerificationRequest {
  channel: VerificationChannel;
  to: string;
  /** The kiosk language: the code message is written in it. */
  language?: string;
}

export interface VerificationIssued {
  id: string;
  channel: VerificationChannel;
  /** E.164 number or lower-cased email. */
  to: string;
  expiresAt: string;
  resendAfterSeconds: number;
}

export type VerificationDeps = CoreDeps & { poke?: () => void; randomCode?: () => string };

const HOUR_MS = 3_600_000;

/** Validates and normalises the contact, or throws CONTACT_INVALID with the reason. */
export function normaliseContact(channel: VerificationChannel, to: string): string {
  if (channel === "sms") {
    const mobile = checkMobile(to);
    if (!mobile.valid) throw new KioskError("CONTACT_INVALID", "to: not a mobile number", { reason: mobile.reason });
    return mobile.e164;
  }
  const email = checkEmail(to);
  if (!email.valid) {
    throw new KioskError("CONTACT_INVALID", "to: not an email address", {
      reason: email.reason,
      ...(email.suggestion ? { suggestion: email.suggestion } : {}),
    });
  }
  return email.normalized;
}

/** Seconds until the oldest row in a full window leaves it. */
function retryAfter(oldestCreatedAt: string, windowMs: number, now: number): number {
  return Math.max(1, Math.ceil((Date.parse(oldestCreatedAt) + windowMs - now) / 1000));
}

function checkLimits(tx: DbOrTx, deps: VerificationDeps, contact: string, now: number): void {
  const v = deps.config.verification;
  const hourAgo = new Date(now - HOUR_MS).toISOString();
  const forContact = tx
    .select({ createdAt: otpCodes.createdAt })
    .from(otpCodes)
    .where(and(eq(otpCodes.contact, contact), gt(otpCodes.createdAt, hourAgo)))
    .orderBy(asc(otpCodes.createdAt))
    .all();
  const latest = forContact[forContact.length - 1];
  if (latest && now - Date.parse(latest.createdAt) < v.resendAfterSeconds * 1000) {
    throw new KioskError("RATE_LIMITED", "a code was sent to this contact a moment ago", {
      retryAfterSeconds: retryAfter(latest.createdAt, v.resendAfterSeconds * 1000, now),
      scope: "contact",
    });
  }
  if (forContact.length >= v.codesPerContactPerHour) {
    throw new KioskError("RATE_LIMITED", "too many codes for this contact in the last hour", {
      retryAfterSeconds: retryAfter(forContact[forContact.length - v.codesPerContactPerHour].createdAt, HOUR_MS, now),
      scope: "contact",
    });
  }
  const kioskId = deps.config.kioskId;
  const forKiosk = tx
    .select({ n: count() })
    .from(otpCodes)
    .where(and(eq(otpCodes.kioskId, kioskId), gt(otpCodes.createdAt, hourAgo)))
    .get();
  if ((forKiosk?.n ?? 0) >= v.codesPerKioskPerHour) {
    const oldest = tx
      .select({ createdAt: otpCodes.createdAt })
      .from(otpCodes)
      .where(and(eq(otpCodes.kioskId, kioskId), gt(otpCodes.createdAt, hourAgo)))
      .orderBy(asc(otpCodes.createdAt))
      .limit(1)
      .offset((forKiosk?.n ?? 0) - v.codesPerKioskPerHour)
      .get();
    throw new KioskError("RATE_LIMITED", "this kiosk sent too many codes in the last hour", {
      retryAfterSeconds: oldest ? retryAfter(oldest.createdAt, HOUR_MS, now) : 60,
      scope: "kiosk",
    });
  }
}

function cooperativeName(deps: CoreDeps): string {
  return deps.config.cooperative.shortName.replace(/["„”]/g, "");
}

export function codeMessage(deps: CoreDeps, code: string, language?: string): { subject: string; text: string } {
  const minutes = Math.round(deps.config.verification.codeTtlSeconds / 60);
  return codeText(languageOf(language), cooperativeName(deps), code, minutes);
}

export function requestVerification(deps: VerificationDeps, input: VerificationRequest): VerificationIssued {
  const contact = normaliseContact(input.channel, input.to);
  const code = deps.randomCode?.() ?? String(randomInt(0, 1_000_000)).padStart(6, "0");
  const now = deps.clock.now();
  const ttlMs = deps.config.verification.codeTtlSeconds * 1000;
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  deps.db.transaction((tx) => {
    checkLimits(tx, deps, contact, now.getTime());
    tx.insert(otpCodes)
      .values({
        id,
        channel: input.channel,
        contact,
        codeHash: hashSecret(code),
        kioskId: deps.config.kioskId,
        createdAt: now.toISOString(),
        expiresAt,
      })
      .run();
    const message = codeMessage(deps, code, input.language);
    enqueueMessage(tx, deps.clock, {
      id: `otp-${id}`,
      channel: input.channel,
      kind: "otp",
      recipient: contact,
      subject: message.subject,
      text: message.text,
      // A code arriving after it expired is useless: stop retrying then.
      maxAgeMs: ttlMs,
    });
  });
  deps.poke?.();
  deps.logger.info({ verification: id, channel: input.channel, to: contact }, "one-time code sent");
  return {
    id,
    channel: input.channel,
    to: contact,
    expiresAt,
    resendAfterSeconds: deps.config.verification.resendAfterSeconds,
  };
}
