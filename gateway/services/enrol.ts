/**
 * Enrolment, contact update and co-owner takeover at the kiosk: one verb. Contacts must be
 * verified by a one-time code (or explicitly left unverified for the office to confirm by post).
 * The register event, notices, contact rows and the signed receipt commit together; the slip is
 * printed only after the commit.
 */
import { and, eq, isNotNull } from "drizzle-orm";
import { contacts, otpCodes } from "../../db/schema/index.ts";
import type { GatewayContext, IssuedReceipt } from "../context.ts";
import type { DbOrTx } from "../deps.ts";
import type { ElectronicChannel } from "../domain/categories.ts";
import type { FlatConsent } from "../domain/consentState.ts";
import { checkEmail, checkMobile } from "../domain/contacts.ts";
import { enrolmentKind } from "../domain/eligibility.ts";
import { KioskError } from "../errors.ts";
import { requireEligible } from "./eligibleOwner.ts";
import { flatLabel } from "./flatDirectory.ts";
import { previousAnswer, rememberAnswer } from "./kioskIdempotency.ts";
import { noticeEnrolmentConfirmed, noticeRecipientReplaced } from "./notices.ts";
import { type StatusView, statusView } from "./statusView.ts";

export interface EnrolInput {
  /** The kiosk session enrolling: only codes it asked for count as verification. */
  sessionKey: string;
  flatCode: string;
  ownerId: string;
  idempotencyKey: string;
  email?: string;
  mobile?: string;
  channels: ElectronicChannel[];
  consents: { processing: boolean; email: boolean; sms: boolean };
  consentVersion: string;
  verifications: Partial<Record<ElectronicChannel, string>>;
  unverified: ElectronicChannel[];
  /** Channels whose current contact stays as it is (the resident saw it masked and chose "keep"). */
  keep?: ElectronicChannel[];
  language: string;
}

export interface EnrolResult {
  kind: "enrolled" | "contacts_updated" | "recipient_replaced";
  eventSeq: number;
  electronicFrom: string | null;
  paperUntil: string | null;
  receipt: IssuedReceipt;
  status: StatusView;
}

/** A confirmed code proves the address only for a while after it was confirmed. */
const VERIFICATION_VALID_MS = 30 * 60_000;

function normalise(input: EnrolInput): { email?: string; mobile?: string } {
  const out: { email?: string; mobile?: string } = {};
  if (input.email) {
    const check = checkEmail(input.email);
    if (!check.valid)
      throw new KioskError("CONTACT_INVALID", `email: ${check.reason}`, { field: "email", reason: check.reason });
    out.email = check.normalized;
  }
  if (input.mobile) {
    const check = checkMobile(input.mobile);
    if (!check.valid)
      throw new KioskError("CONTACT_INVALID", `mobile: ${check.reason}`, { field: "mobile", reason: check.reason });
    out.mobile = check.e164;
  }
  return out;
}

/** The current recipient's own contacts for the kept channels; only they may be kept unseen. */
function keptContacts(
  keep: ElectronicChannel[],
  kind: ReturnType<typeof enrolmentKind>["kind"],
  current: FlatConsent,
): { email?: string; mobile?: string } {
  const out: { email?: string; mobile?: string } = {};
  for (const channel of keep) {
    const value = channel === "email" ? current.email : current.mobile;
    if (kind !== "contacts_updated" || !value)
      throw new KioskError("BAD_REQUEST", `there is no current ${channel} contact of yours to keep`, {
        field: "keep",
        channel,
      });
    if (channel === "email") out.email = value;
    else out.mobile = value;
  }
  return out;
}

function isConfirmed(
  db: DbOrTx,
  id: string | undefined,
  channel: ElectronicChannel,
  address: string,
  nowMs: number,
  sessionKey: string,
): boolean {
  if (!id) return false;
  const row = db
    .select()
    .from(otpCodes)
    .where(and(eq(otpCodes.id, id), eq(otpCodes.channel, channel), isNotNull(otpCodes.confirmedAt)))
    .get();
  return Boolean(
    row &&
      row.contact === address &&
      row.sessionKey === sessionKey &&
      nowMs - Date.parse(row.confirmedAt ?? "") <= VERIFICATION_VALID_MS,
  );
}

export function enrol(ctx: GatewayContext, input: EnrolInput): EnrolResult {
  const earlier = previousAnswer<EnrolResult>(ctx.db, input.idempotencyKey);
  if (earlier) return earlier;

  if (!input.consents.processing)
    throw new KioskError("BAD_REQUEST", "consent to processing is required", { field: "consents.processing" });
  if (input.channels.length === 0)
    throw new KioskError("BAD_REQUEST", "choose email, SMS or both", { field: "channels" });
  for (const channel of input.channels) {
    if (!input.consents[channel])
      throw new KioskError("BAD_REQUEST", `consent for ${channel} is required`, { field: `consents.${channel}` });
  }
  const typed = normalise(input);
  const now = ctx.clock.now();
  // A slip signed with a wrong date is worse than a short wait (a Pi has no battery clock).
  if (!ctx.clockSynchronized()) {
    throw new KioskError("UNAVAILABLE", "the kiosk clock is not synchronised yet; try again in a minute");
  }
  const nowIso = now.toISOString();

  const result = ctx.db.transaction((tx) => {
    const owner = requireEligible(tx, input.flatCode, input.ownerId);
    const current = ctx.register.stateOf(input.flatCode, null, tx);
    const kind = enrolmentKind(input.ownerId, current);
    const address = { ...typed, ...keptContacts(input.keep ?? [], kind.kind, current) };
    const unverified: ElectronicChannel[] = [];
    for (const channel of input.channels) {
      const value = channel === "email" ? address.email : address.mobile;
      if (!value)
        throw new KioskError("CONTACT_INVALID", `${channel}: missing`, {
          field: channel === "email" ? "email" : "mobile",
          reason: "empty",
        });
      const previouslyVerified =
        kind.kind === "contacts_updated" &&
        (channel === "email" ? current.email : current.mobile) === value &&
        !current.unverified.includes(channel);
      if (
        previouslyVerified ||
        isConfirmed(tx, input.verifications[channel], channel, value, now.getTime(), input.sessionKey)
      )
        continue;
      if (input.unverified.includes(channel)) unverified.push(channel);
      else throw new KioskError("CONTACT_UNVERIFIED", `${channel} is not verified`, { channel });
    }
    const snapshot = {
      ...(input.channels.includes("email") ? { email: address.email } : {}),
      ...(input.channels.includes("sms") ? { mobile: address.mobile } : {}),
      ...(unverified.length ? { unverified } : {}),
      channels: input.channels,
      consentVersion: input.consentVersion,
      kioskId: ctx.config.kioskId,
      language: input.language,
      source: "kiosk" as const,
    };
    const event =
      kind.kind === "recipient_replaced"
        ? ctx.register.append(
            tx,
            { type: "recipient_replaced", payload: { ...snapshot, previousOwnerId: kind.previousOwnerId } },
            input.flatCode,
            input.ownerId,
          )
        : ctx.register.append(tx, { type: kind.kind, payload: snapshot }, input.flatCode, input.ownerId);
    const after = ctx.register.stateOf(input.flatCode, null, tx);
    const label = flatLabel(tx, input.flatCode);

    for (const channel of input.channels) {
      const kindOfContact = channel === "email" ? "email" : "mobile";
      const value = (channel === "email" ? address.email : address.mobile) as string;
      const verification = unverified.includes(channel) ? "unverified" : "verified";
      tx.insert(contacts)
        .values({
          id: `${kindOfContact}:${value}`,
          kind: kindOfContact,
          value,
          verification,
          verifiedAt: verification === "verified" ? nowIso : null,
          updatedAt: nowIso,
        })
        .onConflictDoUpdate({
          target: [contacts.kind, contacts.value],
          set: {
            verification,
            verifiedAt: verification === "verified" ? nowIso : null,
            health: "ok",
            healthReason: null,
            updatedAt: nowIso,
          },
        })
        .run();
    }
    if (kind.kind === "recipient_replaced") noticeRecipientReplaced(tx, ctx, current, label, event.seq);
    noticeEnrolmentConfirmed(tx, ctx, after, label, event.seq);

    const electronicFrom = earliest(after.channels.email.paperUntil, after.channels.sms.paperUntil);
    // Inside the transaction: an enrolment that cannot have its slip is not committed at all.
    const receipt = ctx.receipts.issue(tx, {
      action: kind.kind === "enrolled" || kind.kind === "recipient_replaced" ? "enrolment" : "update",
      eventSeq: event.seq,
      eventHash: event.hash,
      flatCode: input.flatCode,
      flatLabel: label,
      ownerName: `${owner.firstName} ${owner.surname}`,
      email: after.email,
      mobile: after.mobile,
      channels: input.channels,
      electronicFrom,
      consentVersion: input.consentVersion,
      language: input.language,
      occurredAt: event.occurredAt,
    });
    const answer: EnrolResult = {
      kind: kind.kind,
      eventSeq: event.seq,
      electronicFrom,
      paperUntil: electronicFrom,
      receipt,
      status: statusView(after, input.ownerId),
    };
    rememberAnswer(tx, input.idempotencyKey, answer, nowIso);
    return answer;
  });

  ctx.logger.info({ flat: input.flatCode, kind: result.kind, seq: result.eventSeq }, "kiosk enrolment committed");
  ctx.outbox.poke(); // notices were queued in the transaction: wake the workers now
  // Printing happens after the commit and never undoes it; a problem queues a reprint.
  ctx.receipts.print(result.receipt.number).catch((err) => ctx.logger.warn({ err }, "receipt print failed"));
  return result;
}

function earliest(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
