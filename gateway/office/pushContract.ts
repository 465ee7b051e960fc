/**
 * The push contract, the one source for both sides: what the gateway POSTs to `office.url` and
 * what the office must answer, stream by stream. The gateway builds its bodies and checks every
 * answer with these schemas (push.ts), the OpenAPI document's `webhooks` are generated from them
 * (pushWebhooks.ts), and an office receiver (office-hub/) can import them. Only zod and pure
 * domain constants here, so any Bun or Node service can import this file.
 */
import * as z from "zod";
import { CONSENT_EVENT_TYPES } from "../domain/registerEvents.ts";

const hex64 = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .describe("64 lowercase hex digits (SHA-256)");
const seq = z.number().int().min(1);
const position = z.number().int().min(0);

export const pushRegisterEventSchema = z
  .object({
    seq: seq.describe("1, 2, 3, … without gaps"),
    type: z.enum(CONSENT_EVENT_TYPES as [string, ...string[]]),
    flatCode: z.string().min(1),
    ownerId: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()).describe("Depends on `type`; hashed as it stands"),
    occurredAt: z.string().describe("ISO 8601 instant (UTC) the event was written"),
    prevHash: hex64.describe("`hash` of the event before (64 zeros for seq 1)"),
    hash: hex64.describe(
      "hex SHA-256 of the RFC 8785 canonical JSON of {seq, type, flatCode, ownerId, payload, occurredAt, prevHash}",
    ),
  })
  .describe("One consent register event with its link in the hash chain");

export const eventsPushBodySchema = z
  .object({
    events: z
      .array(pushRegisterEventSchema)
      .describe(
        "In seq order, starting right after the office's last known head; empty when the gateway only asks for the office's head",
      ),
    next_cursor: position.describe("seq of the last event in this batch (the office's head before it when empty)"),
    head_seq: position.describe("The gateway's own head: how far the register goes on the kiosk"),
    has_more: z.boolean().describe("More events follow in the next batch"),
  })
  .describe("POST <office.url>/register/events: the same body as GET /office/v1/register/events");

export const EVENT_PROBLEMS = ["gap", "hash_conflict", "bad_hash", "bad_link"] as const;
export type EventProblemKind = (typeof EVENT_PROBLEMS)[number];

export const eventsPushAnswerSchema = z
  .object({
    head_seq: position.describe(
      "The office's head after this request: it holds every event from 1 to head_seq (0: none). Required.",
    ),
    head_hash: hex64.describe("`hash` of the event at head_seq (64 zeros when head_seq is 0). Required."),
    applied: z.number().int().min(0).optional().describe("Events stored by this request"),
    duplicates: z.number().int().min(0).optional().describe("Events already held with the same hash"),
    problem: z
      .object({
        kind: z.enum(EVENT_PROBLEMS),
        seq: seq.describe("The event that stopped the office"),
      })
      .optional()
      .describe("Only with status 409: why the office stopped applying"),
  })
  .describe("The office's answer to a register events batch (200, or 409 with `problem`)");

export const deliveryChangeSchema = z.object({
  seq: seq.describe("The gateway's delivery change number, increasing"),
  message_id: z.string(),
  correspondence_id: z.string().nullable(),
  channel: z.enum(["email", "sms", "paper"]),
  status: z.enum(["queued", "sent", "delivered", "failed", "paper"]),
  reason: z.string().nullable(),
  at: z.string().describe("ISO 8601 instant"),
  letter: z
    .object({
      flat: z.string(),
      address: z
        .string()
        .optional()
        .describe(
          "The flat's postal address as the kiosk holds it (building, staircase, flat, city); absent when the kiosk keeps names and addresses to itself (office.pushLetterDetails false)",
        ),
      owners: z.array(z.string()).optional().describe("The flat's active owners' names; absent with the address"),
      category: z.string().describe("The letter's category; `rejection_notice` for the notice of an office rejection"),
      subject: z.string(),
      generated_at: z.string().describe("When the office generated the letter (a rejection notice: when it rejected)"),
      rejection_reason: z
        .string()
        .optional()
        .describe(
          "Only on a rejection notice: the office's own reason (as in its `office_rejected` register event); absent with the address",
        ),
      letter_text: z
        .string()
        .optional()
        .describe(
          "Only on a rejection notice: the letter to print, in Polish, then in the resident's language (English or Ukrainian) when they used it at the kiosk; absent with the address",
        ),
    })
    .optional()
    .describe(
      "Only on a change with status `paper` of what the kiosk's paper list holds: a letter of the office's correspondence, or the notice of an office rejection that goes by post (message_id `rejected-<seq>-letter`, or `rejected-<seq>-email` after the email failed; correspondence_id null; on the paper list as `rejected-<seq>`). What the office needs to print and post it (the same fields as a paper list item)",
    ),
});

export const deliveriesPushBodySchema = z
  .object({
    changes: z
      .array(deliveryChangeSchema)
      .describe("In seq order; empty when the gateway only asks for the office's head"),
  })
  .describe("POST <office.url>/deliveries: delivery status changes, as in GET /office/v1/deliveries");

export const deliveriesPushAnswerSchema = z
  .object({
    head_seq: position.describe("The highest delivery change seq the office holds (0: none). Required."),
    applied: z.number().int().min(0).optional(),
    duplicates: z.number().int().min(0).optional(),
  })
  .describe("The office's answer to a deliveries batch with status 200 (204 with no body is also a success)");

export const kioskKeySchema = z
  .object({
    kty: z.literal("OKP"),
    crv: z.literal("Ed25519"),
    x: z.string().describe("The public key, base64url"),
    kid: z.string().describe("The key id printed in every slip's QR code"),
    use: z.literal("sig"),
    alg: z.literal("EdDSA"),
    created_at: z.string(),
    retired_at: z.string().optional().describe("Set once the kiosk stopped signing with it; old slips stay valid"),
  })
  .describe("An Ed25519 public key (JWK) the kiosk signs slips with");

export const kioskKeysPushBodySchema = z
  .object({ keys: z.array(kioskKeySchema).min(1) })
  .describe("POST <office.url>/kiosk-keys: the kiosk's whole key set (JWK set), the same as GET /office/v1/kiosk-keys");

export const kioskKeysPushAnswerSchema = z
  .object({ keys: z.number().int().min(0).describe("How many keys the office now holds for this kiosk") })
  .describe("The office's answer to the key set with status 200 (204 with no body is also a success)");

export type EventsPushBody = z.infer<typeof eventsPushBodySchema>;
export type EventsPushAnswer = z.infer<typeof eventsPushAnswerSchema>;
export type DeliveriesPushBody = z.infer<typeof deliveriesPushBodySchema>;
export type DeliveriesPushAnswer = z.infer<typeof deliveriesPushAnswerSchema>;
export type KioskKeysPushBody = z.infer<typeof kioskKeysPushBodySchema>;
export type KioskKeysPushAnswer = z.infer<typeof kioskKeysPushAnswerSchema>;

/** The three streams: each runs on its own (own cursor, own backoff, own health line). */
export const PUSH_STREAMS = {
  kioskKeys: {
    path: "kiosk-keys",
    body: kioskKeysPushBodySchema,
    answer: kioskKeysPushAnswerSchema,
    /** 204 No Content counts as "stored everything". */
    noContentIsSuccess: true,
  },
  registerEvents: {
    path: "register/events",
    body: eventsPushBodySchema,
    answer: eventsPushAnswerSchema,
    /** The answer must carry the office's head, so 204 is not a success here. */
    noContentIsSuccess: false,
  },
  deliveries: {
    path: "deliveries",
    body: deliveriesPushBodySchema,
    answer: deliveriesPushAnswerSchema,
    noContentIsSuccess: true,
  },
} as const;

export type PushStreamName = keyof typeof PUSH_STREAMS;

/**
 * The push signature. The same HMAC-SHA256 as the office API (X-Office-* headers), plus the
 * kiosk id as a sixth line, so a receiver for many kiosks can trust which kiosk sent it.
 */
export const PUSH_SIGNATURE = {
  algorithm: "HMAC-SHA256",
  encoding: "lowercase hex",
  headers: {
    key: "X-Office-Key",
    timestamp: "X-Office-Timestamp",
    nonce: "X-Office-Nonce",
    signature: "X-Office-Signature",
    kioskId: "X-Kiosk-Id",
  },
  separator: "\n",
  lines: ["METHOD", "PATH_WITH_QUERY", "TIMESTAMP", "NONCE", "BODY_SHA256", "KIOSK_ID"],
  lineMeaning: {
    METHOD: "POST (upper case)",
    PATH_WITH_QUERY:
      "the full path of the request as sent, including the path of office.url: office.url https://biuro.example.pl/ekor gives /ekor/register/events (no query)",
    TIMESTAMP: "the X-Office-Timestamp value (Unix seconds)",
    NONCE: "the X-Office-Nonce value (32 hex digits from the gateway; 16-128 printable characters allowed)",
    BODY_SHA256: "lowercase hex SHA-256 of the raw body bytes",
    KIOSK_ID: "the X-Kiosk-Id value",
  },
  windowSeconds: 300,
} as const;
