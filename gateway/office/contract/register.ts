/** The consent register: its events by cursor, the state per flat at a moment, the office's decisions. */
import * as z from "zod";
import { ELECTRONIC_CHANNELS } from "../../domain/categories.ts";
import { CONSENT_EVENT_TYPES } from "../../domain/registerEvents.ts";
import { OfficeDate } from "./dates.ts";
import { errorResponse } from "./errors.ts";
import { named, type OfficeOperation } from "./operation.ts";

export const MAX_EVENTS_PAGE = 10_000;

export const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe("Last sequence number already held"),
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(1000).describe("Page size"),
});

export const RegisterEvent = named(
  "Event",
  z
    .object({
      seq: z.number().int().min(1),
      type: z.enum(CONSENT_EVENT_TYPES as [string, ...string[]]),
      flatCode: z.string(),
      ownerId: z.string().nullable(),
      payload: z
        .record(z.string(), z.unknown())
        .describe(
          "Enrolments, updates and replacements may carry source (kiosk | paper_form | paper_import; absent = kiosk), appliedAt (the date on a paper form: routing and the grace period count from it), formReference and enteredBy. occurredAt is when the event was written.",
        ),
      occurredAt: z.string(),
      prevHash: z.string().regex(/^[0-9a-f]{64}$/),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
    })
    .describe(
      "hash = hex SHA-256 of the RFC 8785 canonical JSON of {seq,type,flatCode,ownerId,payload,occurredAt,prevHash}; prevHash of seq 1 is 64 zeros.",
    ),
);

export const EventsPage = named(
  "EventsPage",
  z.object({
    events: z.array(RegisterEvent),
    next_cursor: z.number().int(),
    head_seq: z.number().int(),
    has_more: z.boolean(),
  }),
);

export const RegisterQuery = z.object({
  as_of: OfficeDate.optional().describe(
    "The moment (default: now). A date alone means the end of that day in Europe/Warsaw; a date-time without an offset is Warsaw local time.",
  ),
  flat: z.string().max(40).optional().describe("Only this flat"),
});

const ChannelState = z.object({
  consented: z.boolean(),
  paperUntil: z.string().nullable().describe("Electronic delivery on this channel starts after this instant"),
  health: z.enum(["ok", "at_risk", "failing"]),
});

export const FlatConsent = named(
  "FlatConsent",
  z.object({
    flatCode: z.string(),
    designatedRecipient: z.string().nullable(),
    email: z.string().nullable(),
    mobile: z.string().nullable(),
    unverified: z.array(z.enum(ELECTRONIC_CHANNELS)),
    channels: z.object({ email: ChannelState, sms: ChannelState }),
    consentVersion: z.string().nullable(),
    language: z.string().nullable().describe("The resident's kiosk language (pl, en, uk)"),
    enrolledAt: z.string().nullable(),
    lastEventSeq: z.number().int(),
    status: z.enum(["none", "active", "withdrawn", "rejected"]),
  }),
);

export const RegisterState = named(
  "RegisterState",
  z.object({
    as_of: z.string().nullable().describe("The moment as a UTC instant; null for now"),
    head_seq: z.number().int().nullable(),
    flats: z.array(FlatConsent),
  }),
);

export const DecisionBody = named(
  "Decision",
  z.object({
    flat: z.string().min(1).max(40),
    seq: z.number().int().min(1).describe("Sequence number of the enrolment event"),
    decision: z.literal("reject"),
    reason: z.string().trim().min(3).max(500),
  }),
);

export const DecisionResult = named(
  "DecisionResult",
  z.object({
    repeated: z.boolean(),
    event: z.object({
      seq: z.number().int(),
      hash: z.string(),
      type: z.literal("office_rejected"),
      occurredAt: z.string(),
    }),
    notices: z.array(z.string()).describe("Outbox ids of the notices to the resident"),
  }),
);

export const registerOperations: OfficeOperation[] = [
  {
    method: "get",
    path: "/register/events",
    summary: "Register events after a cursor, in order, with their hashes",
    query: EventsQuery,
    responses: { 200: { description: "A page of events", json: EventsPage }, 400: errorResponse(400) },
  },
  {
    method: "get",
    path: "/register",
    summary: "Consent state per flat at a moment (default: now)",
    query: RegisterQuery,
    responses: { 200: { description: "The state", json: RegisterState }, 400: errorResponse(400) },
  },
  {
    method: "post",
    path: "/register/decisions",
    summary: "Reject an enrolment during its grace period",
    description:
      "Appends an office_rejected event and queues a notice to the resident. Repeating the same decision answers 200 with the first event.",
    body: DecisionBody,
    responses: {
      201: { description: "Rejected", json: DecisionResult },
      200: { description: "Already rejected earlier (repeated: true)", json: DecisionResult },
      400: errorResponse(400),
      404: errorResponse(404, "No such event for the flat"),
      409: errorResponse(
        409,
        "Not an enrolment, grace period over, or superseded (details.reason: not_an_enrolment, grace_period_over, superseded)",
      ),
    },
  },
];
