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
    correspondence_id: z.string(),
    flat: z.string(),
    address: z.string(),
    owners: z.array(z.string()),
    category: z.string(),
    subject: z.string(),
    generated_at: z.string(),
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
