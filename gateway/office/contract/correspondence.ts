/** `POST /correspondence`: a batch of letters and notices; each item is checked and answered on its own. */
import * as z from "zod";
import type { Config } from "../../config.ts";
import { CATEGORIES, ELECTRONIC_CHANNELS } from "../../domain/categories.ts";
import { REASON_CODES } from "../../domain/routing.ts";
import { OfficeDate } from "./dates.ts";
import { errorResponse } from "./errors.ts";
import { named, type OfficeOperation } from "./operation.ts";

export const ITEM_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export const CorrespondenceAttachment = named(
  "CorrespondenceAttachment",
  z.object({
    filename: z.string().min(1).max(255),
    content_base64: z.string().min(1).meta({ contentEncoding: "base64", contentMediaType: "application/pdf" }),
  }),
);

export const CorrespondenceItem = named(
  "CorrespondenceItem",
  z.object({
    id: z.string().regex(ITEM_ID, "1-100 characters A-Z a-z 0-9 . _ : -"),
    flat: z.string().min(1).max(40).describe("A flat code of the owners register"),
    category: z.enum(CATEGORIES),
    generated_at: OfficeDate.describe(
      "When the letter was generated; routing uses the consent as of then. A date alone means the start of that day in Europe/Warsaw. Refused when later than now plus office.maxFutureSkewSeconds.",
    ),
    subject: z.string().min(1).max(300),
    text: z.string().max(100_000),
    sms_text: z.string().max(1000).optional().describe("Short text for SMS channels; the letter text when absent"),
    attachments: z.array(CorrespondenceAttachment).max(20).optional(),
  }),
);
export type CorrespondenceItem = z.infer<typeof CorrespondenceItem>;

/** Why an item is refused, with the meaning the document shows. */
export const ITEM_REJECTIONS = {
  bad_item: "the item is not a JSON object",
  bad_id: "id: 1-100 characters A-Z a-z 0-9 . _ : -",
  bad_flat: "flat: 1-40 characters",
  unknown_flat: "the flat is not in the owners register",
  bad_category: `category: one of ${CATEGORIES.join(", ")}`,
  bad_generated_at: "generated_at: not an ISO 8601 date or date-time on the calendar",
  generated_at_in_future: "generated_at is later than now plus office.maxFutureSkewSeconds",
  bad_subject: "subject: 1-300 characters",
  bad_text: "text: up to 100000 characters",
  bad_sms_text: "sms_text: up to 1000 characters",
  bad_attachment: "attachments: up to 20 of { filename, content_base64 }",
  attachment_too_large: "an attachment is larger than office.maxAttachmentBytes",
  attachment_not_pdf: "an attachment is not a PDF",
} as const;
export type ItemRejection = keyof typeof ITEM_REJECTIONS;
const REJECTION_CODES = Object.keys(ITEM_REJECTIONS) as [ItemRejection, ...ItemRejection[]];

/** The rejection code for the first field that failed the item's schema. */
export const FIELD_REJECTION: Record<keyof CorrespondenceItem, ItemRejection> = {
  id: "bad_id",
  flat: "bad_flat",
  category: "bad_category",
  generated_at: "bad_generated_at",
  subject: "bad_subject",
  text: "bad_text",
  sms_text: "bad_sms_text",
  attachments: "bad_attachment",
};

const channel = z.enum(["email", "sms", "paper"]);

export const ItemAccepted = named(
  "ItemAccepted",
  z.object({
    id: z.string(),
    status: z.literal("accepted"),
    flat: z.string(),
    channels: z.array(channel),
    decisions: z.array(z.object({ channel, send: z.boolean(), reason: z.enum(REASON_CODES) })),
    messages: z.array(z.object({ channel: z.enum(ELECTRONIC_CHANNELS), message_id: z.string() })),
    paper: z.boolean(),
    paper_reason: z.enum(REASON_CODES).nullable(),
    notify_office: z.boolean().describe("A failing contact forced paper: ask the resident to update it"),
    failing_channels: z.array(z.enum(ELECTRONIC_CHANNELS)),
    received_at: z.string(),
  }),
);

export const ItemRejected = named(
  "ItemRejected",
  z.object({
    id: z.string().describe("The item's id as sent (empty when it had none)"),
    status: z.literal("rejected"),
    error: z.object({
      code: z.enum(REJECTION_CODES).describe(REJECTION_CODES.map((c) => `${c}: ${ITEM_REJECTIONS[c]}`).join("; ")),
      message: z.string(),
    }),
  }),
);

export const ItemAnswer = named("ItemAnswer", z.discriminatedUnion("status", [ItemAccepted, ItemRejected]));
export type ItemAnswer = z.infer<typeof ItemAnswer>;

export const BatchAnswer = named(
  "BatchAnswer",
  z.object({
    items: z.array(ItemAnswer).describe("One answer per item, in the order sent"),
    repeated: z.array(z.string()).describe("Ids already known: their first answer is returned, nothing is sent again"),
  }),
);
export type BatchAnswer = z.infer<typeof BatchAnswer>;

/** What the route checks: a list of the right length; each item is then checked with `CorrespondenceItem`. */
export function correspondenceEnvelope(config: Pick<Config, "office">) {
  return z.object({ items: z.array(z.unknown()).min(1).max(config.office.maxBatchItems) });
}

export const ItemParams = z.object({ id: z.string().describe("The item's id") });

export function correspondenceOperations(config: Pick<Config, "office">): OfficeOperation[] {
  return [
    {
      method: "post",
      path: "/correspondence",
      summary: "Route and send a batch of correspondence",
      description: `Up to ${config.office.maxBatchItems} items (office.maxBatchItems); PDF attachments up to ${config.office.maxAttachmentBytes} bytes each (office.maxAttachmentBytes). Each item is checked on its own: a bad item is answered status rejected with a code, the others go on. Idempotent by item id: a repeated id returns the first answer and is never sent twice.`,
      body: z.object({ items: z.array(CorrespondenceItem).min(1).max(config.office.maxBatchItems) }),
      responses: { 200: { description: "One answer per item", json: BatchAnswer }, 400: errorResponse(400) },
    },
    {
      method: "get",
      path: "/correspondence/{id}",
      summary: "The stored answer for one item",
      params: ItemParams,
      responses: {
        200: { description: "The first answer", json: ItemAnswer },
        404: errorResponse(404, "Unknown item"),
      },
    },
  ];
}
