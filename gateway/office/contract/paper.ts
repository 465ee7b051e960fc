/** `GET /paper`: what goes by post on a day. */
import * as z from "zod";
import { CalendarDay } from "./dates.ts";
import { errorResponse } from "./errors.ts";
import { named, type OfficeOperation } from "./operation.ts";

export const PaperQuery = z.object({
  date: CalendarDay.optional().describe("The local day (default: today in Europe/Warsaw)"),
});

export const PaperItem = named(
  "PaperItem",
  z.object({
    correspondence_id: z
      .string()
      .describe(
        "The office's letter id; `rejected-<seq>` for the notice of an office rejection (seq: its `office_rejected` register event)",
      ),
    flat: z.string(),
    address: z.string(),
    owners: z.array(z.string()),
    category: z.string().describe("The letter's category; `rejection_notice` for the notice of an office rejection"),
    subject: z.string(),
    generated_at: z
      .string()
      .describe("When the office generated the letter (for a rejection notice: when it rejected)"),
    rejection_reason: z
      .string()
      .optional()
      .describe(
        "Only on a rejection notice: the office's own reason, as in its `office_rejected` register event (not in the CSV)",
      ),
    letter_text: z
      .string()
      .optional()
      .describe(
        "Only on a rejection notice: the letter to print, in Polish, then in the resident's language when they used English or Ukrainian at the kiosk (not in the CSV)",
      ),
    reason: z.string().describe("The routing reason, or the delivery failure for a fallback"),
    source: z.enum(["routed", "fallback"]),
    at: z.string(),
  }),
);

export const PaperList = named(
  "PaperList",
  z.object({ date: z.string(), count: z.number().int(), items: z.array(PaperItem) }),
);

export const paperOperations: OfficeOperation[] = [
  {
    method: "get",
    path: "/paper",
    summary: "What must go by post on a day, with the reason per item",
    query: PaperQuery,
    responses: {
      200: {
        description: "JSON, or RFC 4180 CSV when the request sends Accept: text/csv",
        json: PaperList,
        text: "text/csv",
      },
      400: errorResponse(400),
    },
  },
];
