/** The one date type of the office API (`generated_at`, `as_of`, the paper list's day). */
import * as z from "zod";
import { OFFICE_DATE_PATTERN, parseOfficeDate } from "../../domain/officeDate.ts";
import { named } from "./operation.ts";

export const OfficeDate = named(
  "OfficeDate",
  z
    .string()
    .max(40)
    .regex(OFFICE_DATE_PATTERN, "an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM])")
    .refine((text) => parseOfficeDate(text) !== null, "not a date on the calendar")
    .describe(
      "ISO 8601 date or date-time, checked against the calendar. Without an offset it is local time in the cooperative's zone (Europe/Warsaw); a date alone is that whole local day.",
    ),
);

/** A local calendar day, YYYY-MM-DD. */
export const CalendarDay = named(
  "CalendarDay",
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
    .refine((text) => parseOfficeDate(text) !== null, "not a date on the calendar")
    .describe("A calendar day in the cooperative's zone (Europe/Warsaw), YYYY-MM-DD."),
);
