/** `GET /deliveries`: delivery status changes by cursor (the same changes the push sync sends). */
import * as z from "zod";
import { errorResponse } from "./errors.ts";
import { named, type OfficeOperation } from "./operation.ts";

export const DeliveriesQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe("Last seq already held"),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000).describe("Page size"),
});

export const DeliveryChange = named(
  "DeliveryChange",
  z.object({
    seq: z.number().int(),
    message_id: z.string(),
    correspondence_id: z.string().nullable(),
    channel: z.enum(["email", "sms", "paper"]),
    status: z.enum(["queued", "sent", "delivered", "failed", "paper"]),
    reason: z.string().nullable(),
    at: z.string(),
  }),
);
export type DeliveryChange = z.infer<typeof DeliveryChange>;

export const DeliveriesPage = named(
  "DeliveriesPage",
  z.object({ changes: z.array(DeliveryChange), next_cursor: z.number().int(), has_more: z.boolean() }),
);

export const deliveriesOperations: OfficeOperation[] = [
  {
    method: "get",
    path: "/deliveries",
    summary: "Delivery status changes after a cursor",
    query: DeliveriesQuery,
    responses: { 200: { description: "A page of changes", json: DeliveriesPage }, 400: errorResponse(400) },
  },
];
