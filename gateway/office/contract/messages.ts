/** `GET /messages`, `POST /messages/seen`: residents' SMS replies. */
import * as z from "zod";
import { errorResponse } from "./errors.ts";
import { named, type OfficeOperation } from "./operation.ts";

export const MessagesQuery = z.object({
  after: z.string().max(200).optional().describe("next_cursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe("Page size"),
  unseen: z.enum(["true", "false"]).default("false").describe("Only messages not marked seen"),
  action: z.enum(["office", "withdrawn"]).optional().describe("Filter by what the gateway did"),
});

export const IncomingSms = named(
  "IncomingSms",
  z.object({
    id: z.string(),
    from: z.string().describe("E.164"),
    text: z.string(),
    receivedAt: z.string(),
    action: z.enum(["office", "withdrawn"]),
    flatCodes: z.array(z.string()),
    seenAt: z.string().nullable(),
    cursor: z.string(),
  }),
);

export const MessagesPage = named(
  "MessagesPage",
  z.object({ messages: z.array(IncomingSms), next_cursor: z.string().nullable() }),
);

export const SeenBody = z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(1000) });
export const SeenResult = z.object({ marked: z.number().int() });

export const messagesOperations: OfficeOperation[] = [
  {
    method: "get",
    path: "/messages",
    summary: "SMS replies from residents (action office: for staff; withdrawn: STOP handled automatically)",
    query: MessagesQuery,
    responses: { 200: { description: "A page of messages", json: MessagesPage }, 400: errorResponse(400) },
  },
  {
    method: "post",
    path: "/messages/seen",
    summary: "Mark SMS replies as read by the office",
    body: SeenBody,
    responses: { 200: { description: "How many were marked", json: SeenResult }, 400: errorResponse(400) },
  },
];
