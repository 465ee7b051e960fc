/**
 * The bodies a kiosk's push sync sends (see gateway/office/push.ts for the sender). Parsed
 * strictly enough to store them safely; the events' own hash chain is checked by applyEvents.
 */
import * as z from "zod";
import { CONSENT_EVENT_TYPES } from "../gateway/domain/registerEvents.ts";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "a 64-character lowercase hex SHA-256");

export const pushedEvent = z.object({
  seq: z.number().int().positive(),
  type: z.enum(CONSENT_EVENT_TYPES),
  flatCode: z.string().min(1).max(64),
  ownerId: z.string().max(128).nullable(),
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.iso.datetime({ offset: true }),
  prevHash: hex64,
  hash: hex64,
});

export const eventsBody = z.object({ events: z.array(pushedEvent).max(10_000) }).loose();

export const deliveryChange = z.object({
  seq: z.number().int().positive(),
  message_id: z.string().min(1).max(256),
  correspondence_id: z.string().max(256).nullable(),
  channel: z.enum(["email", "sms", "paper"]),
  status: z.enum(["queued", "sent", "delivered", "failed", "paper"]),
  reason: z.string().max(2_000).nullable(),
  at: z.iso.datetime({ offset: true }),
});

export const deliveriesBody = z.object({ changes: z.array(deliveryChange).max(10_000) });

export const kioskKeysBody = z.object({
  keys: z
    .array(
      z
        .object({
          kid: z.string().min(1).max(128),
          kty: z.string(),
          created_at: z.string().optional(),
          retired_at: z.string().optional(),
        })
        .loose(),
    )
    .max(100),
});

export type PushedEvent = z.infer<typeof pushedEvent>;
export type PushedDelivery = z.infer<typeof deliveryChange>;
