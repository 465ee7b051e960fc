/**
 * The signed content of a confirmation slip. Keys are short on purpose: the QR code carries
 * the canonical JSON of this object, and every byte makes the symbol denser on 58 mm paper.
 * Contacts are stored masked: the slip can be lost, the register holds the real values.
 */
import * as z from "zod";
import type { ReceiptInput } from "../context.ts";
import { maskEmail, maskMobile } from "../domain/contacts.ts";

export const RECEIPT_FORMAT_VERSION = 1;

export const ACTIONS = ["enrolment", "update", "withdrawal"] as const;
export type ReceiptAction = (typeof ACTIONS)[number];

export const signedReceiptSchema = z
  .object({
    /** format version */
    v: z.literal(RECEIPT_FORMAT_VERSION),
    /** receipt number "<kiosk id>-<sequence>" */
    n: z.string().regex(/^[A-Z0-9-]{2,16}-\d{6,}$/),
    /** issued at (ISO instant, UTC, seconds) */
    t: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    a: z.enum(ACTIONS),
    /** flat code */
    f: z.string().min(1).max(40),
    /** owner's name */
    o: z.string().min(1).max(120),
    /** masked email */
    e: z.string().max(80).optional(),
    /** masked mobile */
    m: z.string().max(40).optional(),
    /** electronic channels in force after the action */
    c: z.array(z.enum(["email", "sms"])).max(2),
    /** local date (YYYY-MM-DD) from which email/SMS replace paper */
    d: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    /** consent text version */
    cv: z.string().max(40).optional(),
    /** kiosk language used */
    l: z.string().regex(/^[a-z]{2}$/),
    /** register event sequence and the first 16 hex digits of its hash */
    s: z.number().int().positive(),
    h: z.string().regex(/^[0-9a-f]{16}$/),
  })
  .strict();

export type SignedReceipt = z.infer<typeof signedReceiptSchema>;

/** The readable form returned by the verify route and CLI. */
export interface ReceiptView {
  number: string;
  issuedAt: string;
  action: ReceiptAction;
  flatCode: string;
  ownerName: string;
  email: string | null;
  mobile: string | null;
  channels: Array<"email" | "sms">;
  electronicFrom: string | null;
  consentVersion: string | null;
  language: string;
  eventSeq: number;
  eventHash: string;
}

export function receiptNumber(kioskId: string, seq: number): string {
  return `${kioskId}-${String(seq).padStart(6, "0")}`;
}

/** `YYYY-MM-DD` of an instant in a time zone. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function localDate(iso: string, timezone: string): string {
  let format = dateFormats.get(timezone);
  if (!format) {
    // Building a formatter costs far more than using one: keep one per zone.
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dateFormats.set(timezone, format);
  }
  return format.format(new Date(iso)).slice(0, 10);
}

export function buildSignedReceipt(input: ReceiptInput, number: string, timezone: string): SignedReceipt {
  const data: SignedReceipt = {
    v: RECEIPT_FORMAT_VERSION,
    n: number,
    t: `${new Date(input.occurredAt).toISOString().slice(0, 19)}Z`,
    a: input.action,
    f: input.flatCode,
    o: input.ownerName,
    c: [...input.channels].sort(),
    l: input.language.slice(0, 2).toLowerCase(),
    s: input.eventSeq,
    h: input.eventHash.slice(0, 16).toLowerCase(),
  };
  if (input.email) data.e = maskEmail(input.email);
  if (input.mobile) data.m = maskMobile(input.mobile);
  if (input.electronicFrom) data.d = localDate(input.electronicFrom, timezone);
  if (input.consentVersion) data.cv = input.consentVersion;
  return signedReceiptSchema.parse(data);
}

export function viewOf(data: SignedReceipt): ReceiptView {
  return {
    number: data.n,
    issuedAt: data.t,
    action: data.a,
    flatCode: data.f,
    ownerName: data.o,
    email: data.e ?? null,
    mobile: data.m ?? null,
    channels: data.c,
    electronicFrom: data.d ?? null,
    consentVersion: data.cv ?? null,
    language: data.l,
    eventSeq: data.s,
    eventHash: data.h,
  };
}
