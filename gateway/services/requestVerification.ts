/**
 * Sends a one-time code to a contact the resident typed at the kiosk: 6 digits, valid
 * `verification.codeTtlSeconds`, stored hashed, enqueued with top priority (kind `otp`) in the
 * same transaction. Only an identified kiosk session may ask, for the contacts it is entering.
 * Caps protect the cooperative's SMS money: per session (codes and different contacts), per
 * contact (resend wait, hour, day), per kiosk (hour, day). Reaching a cap alerts the office.
 */
import { randomInt, randomUUID } from "node:crypto";
import { and, asc, count, eq, gt } from "drizzle-orm";
import { otpCodes } from "../../db/schema/index.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import { languageOf } from "../domain/channelSentences.ts";
import { checkEmail, checkMobile, maskEmail, maskMobile } from "../domain/contacts.ts";
import { KioskError } from "../errors.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { codeText } from "../messaging/templates/residentTexts.ts";
import { hashSecret } from "../secrets.ts";
import { raiseOfficeAlert } from "./raiseOfficeAlert.ts";

export type VerificationChannel = "sms" | "email";

export interface VerificationRequest {
  channel: VerificationChannel;
  to: string;
  /** The kiosk language: the code message is written in it. */
  language?: string;
  /** The identified kiosk session asking (KioskSession.key) and its flat. */
  session: { key: string; flatCode: string };
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
const DAY_MS = 24 * HOUR_MS;

function capReached(scope: string, message: string, retryAfterSeconds: number): KioskError {
  return new KioskError("RATE_LIMITED", message, { retryAfterSeconds, scope });
}

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

function checkSession(tx: DbOrTx, deps: VerificationDeps, input: VerificationRequest, contact: string): void {
  const v = deps.config.verification;
  const asked = tx
    .select({ channel: otpCodes.channel, contact: otpCodes.contact })
    .from(otpCodes)
    .where(eq(otpCodes.sessionKey, input.session.key))
    .all();
  if (asked.length >= v.codesPerSession) {
    throw capReached("session", "this session has asked for enough codes; finish or start again", 900);
  }
  const contacts = new Set(asked.filter((a) => a.channel === input.channel).map((a) => a.contact));
  if (!contacts.has(contact) && contacts.size >= v.contactsPerSession) {
    throw capReached("session_contacts", "this session has tried enough different contacts", 900);
  }
}

function checkDay(tx: DbOrTx, deps: VerificationDeps, contact: string, now: number): void {
  const v = deps.config.verification;
  const dayAgo = new Date(now - DAY_MS).toISOString();
  const forContact = tx
    .select({ n: count() })
    .from(otpCodes)
    .where(and(eq(otpCodes.contact, contact), gt(otpCodes.createdAt, dayAgo)))
    .get();
  if ((forContact?.n ?? 0) >= v.codesPerContactPerDay) {
    throw capReached("contact_day", "too many codes for this contact today", 3600);
  }
  const kioskId = deps.config.kioskId;
  const forKiosk = tx
    .select({ n: count() })
    .from(otpCodes)
    .where(and(eq(otpCodes.kioskId, kioskId), gt(otpCodes.createdAt, dayAgo)))
    .get();
  if ((forKiosk?.n ?? 0) >= v.codesPerDay) {
    throw capReached("day", "this kiosk has sent its codes for today", 3600);
  }
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
      scope: "resend",
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

/** After the rollback, so the alert outlives the refused request. The resend wait is no alert. */
function alertOnCap(deps: VerificationDeps, err: unknown, channel: VerificationChannel): void {
  if (!(err instanceof KioskError) || err.code !== "RATE_LIMITED") return;
  const scope = String(err.details?.scope);
  if (scope === "resend") return;
  raiseOfficeAlert(deps, { kind: "verification_cap", scope, details: { kioskId: deps.config.kioskId, channel } });
}

export function requestVerification(deps: VerificationDeps, input: VerificationRequest): VerificationIssued {
  const contact = normaliseContact(input.channel, input.to);
  const code = deps.randomCode?.() ?? String(randomInt(0, 1_000_000)).padStart(6, "0");
  const now = deps.clock.now();
  const ttlMs = deps.config.verification.codeTtlSeconds * 1000;
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  try {
    deps.db.transaction((tx) => {
      checkSession(tx, deps, input, contact);
      checkLimits(tx, deps, contact, now.getTime());
      checkDay(tx, deps, contact, now.getTime());
      tx.insert(otpCodes)
        .values({
          id,
          channel: input.channel,
          contact,
          codeHash: hashSecret(code),
          kioskId: deps.config.kioskId,
          sessionKey: input.session.key,
          flatCode: input.session.flatCode,
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
  } catch (err) {
    alertOnCap(deps, err, input.channel);
    throw err;
  }
  deps.poke?.();
  const masked = input.channel === "sms" ? maskMobile(contact) : maskEmail(contact);
  deps.logger.info({ verification: id, channel: input.channel, to: masked }, "one-time code sent");
  return {
    id,
    channel: input.channel,
    to: contact,
    expiresAt,
    resendAfterSeconds: deps.config.verification.resendAfterSeconds,
  };
}
