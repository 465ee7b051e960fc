/**
 * The hub's HTTP contract: every route with its zod schemas, and the OpenAPI 3.1 document
 * generated from them (served at `GET /openapi.json`). The kiosk side (/push/v1) takes the push
 * contract's own bodies (gateway/office/pushContract.ts); the office side (/office/v1) answers the
 * gateway office API's shapes (gateway/office/contract/) with what a hub for many kiosks adds:
 * the cooperative's cursor and the kiosk each row came from. The routes validate with these
 * schemas, and hub's contract test checks real answers against the generated document.
 */
import * as z from "zod";
import { CalendarDay } from "../gateway/office/contract/dates.ts";
import { DeliveryChange } from "../gateway/office/contract/deliveries.ts";
import { openApiDocument } from "../gateway/office/contract/openapi.ts";
import { named, type OfficeOperation, type ResponseSpec } from "../gateway/office/contract/operation.ts";
import { PaperItem } from "../gateway/office/contract/paper.ts";
import { FlatConsent, RegisterEvent } from "../gateway/office/contract/register.ts";
import {
  deliveriesPushAnswerSchema,
  deliveriesPushBodySchema,
  EVENT_PROBLEMS,
  eventsPushAnswerSchema,
  eventsPushBodySchema,
  kioskKeySchema,
  kioskKeysPushAnswerSchema,
  kioskKeysPushBodySchema,
  PUSH_SIGNATURE,
} from "../gateway/office/pushContract.ts";
import { AUTH_FAILURES } from "../gateway/office/signing.ts";

/** Every `error.code` the hub answers, with its status and meaning. */
export const HUB_ERRORS = {
  bad_request: {
    status: 400,
    meaning: "the query, path or body does not match the schema (the message names the field)",
  },
  ...(Object.fromEntries(
    AUTH_FAILURES.map((code) => [code, { status: 401, meaning: "the signature was refused (see the office API)" }]),
  ) as Record<(typeof AUTH_FAILURES)[number], { status: 401; meaning: string }>),
  wrong_key: { status: 403, meaning: "a kiosk's push key on /office/v1, or an office key on /push/v1" },
  kiosk_mismatch: { status: 403, meaning: "X-Kiosk-Id names another kiosk than the key's" },
  not_found: { status: 404, meaning: "no such route or flat" },
  gap: { status: 409, meaning: "the batch starts after the hub's head for this kiosk: send from head_seq + 1" },
  chain_break: {
    status: 409,
    meaning: "an event breaks the kiosk's hash chain: refused and named (problem: kind, seq, expected, found)",
  },
  exists: { status: 409, meaning: "the kiosk or key is already registered (provisioning)" },
  too_large: { status: 413, meaning: "the body is larger than maxBodyBytes" },
  internal: { status: 500, meaning: "an unexpected failure (logged by the hub without personal data)" },
} as const;

export type HubErrorCodeName = keyof typeof HUB_ERRORS;
const CODES = Object.keys(HUB_ERRORS) as [HubErrorCodeName, ...HubErrorCodeName[]];

export const HubErrorBody = named(
  "HubError",
  z.object({
    error: z.object({
      code: z
        .enum(CODES)
        .describe(CODES.map((c) => `${c} (${HUB_ERRORS[c].status}): ${HUB_ERRORS[c].meaning}`).join("; ")),
      message: z.string(),
    }),
    /** On a refused signature: the hub's Unix time, to measure clock skew. */
    server_time: z.number().int().optional(),
  }),
);

function hubError(status: number, what?: string): ResponseSpec {
  const codes = CODES.filter((c) => HUB_ERRORS[c].status === status);
  return { description: `${what ? `${what}. ` : ""}error.code: ${codes.join(", ")}`, json: HubErrorBody };
}

// ---- /push/v1: what kiosks send (office.url = <hub>/push/v1) ----

const ChainProblem = z.object({
  kind: z.enum(EVENT_PROBLEMS),
  kiosk: z.string(),
  seq: z.number().int().min(1),
  expected: z.string().describe("What the hub expected, e.g. `hash <hex>` or `seq 6`"),
  found: z.string().describe("What the kiosk sent"),
});

export const HubEventsAnswer = named(
  "HubEventsAnswer",
  eventsPushAnswerSchema.extend({
    applied: z.number().int().min(0),
    duplicates: z.number().int().min(0),
    problem: ChainProblem.optional().describe("Only with 409: the event the hub stopped at"),
    error: z
      .object({ code: z.enum(["gap", "chain_break"]), message: z.string() })
      .optional()
      .describe("Only with 409"),
  }),
);

export const HubDeliveriesAnswer = named(
  "HubDeliveriesAnswer",
  deliveriesPushAnswerSchema.extend({
    applied: z.number().int().min(0),
    duplicates: z.number().int().min(0),
    last_seq: z.number().int().min(0),
  }),
);

export const HubKeysAnswer = named("HubKeysAnswer", kioskKeysPushAnswerSchema);

// ---- /office/v1: what the cooperative's office reads ----

export const HubPageQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe("Last cursor already held (the cooperative's numbering)"),
  limit: z.coerce.number().int().min(1).max(5_000).default(500).describe("Page size"),
});

export const HubPaperQuery = z.object({
  date: CalendarDay.optional().describe("The local day (default: today in the hub's timezone)"),
});

const Applied = z.object({ kiosk: z.string(), seq: z.number().int(), applied_at: z.string() });

export const HubConflict = named(
  "HubConflict",
  z
    .union([
      z.object({ rule: z.literal("later_application_wins"), outcome: z.literal("replaced"), replaced: Applied }),
      z.object({ rule: z.literal("later_application_wins"), outcome: z.literal("superseded"), by: Applied }),
    ])
    .describe(
      "Two kiosks hold applications for one flat: the later application (form date, else the kiosk's write time; a tie goes to the greater kiosk id) wins. replaced: this event took the flat from another kiosk's; superseded: a later one at another kiosk already holds it.",
    ),
);

export const HubEvent = named(
  "HubEvent",
  RegisterEvent.extend({
    cursor: z.number().int().min(1).describe("The cooperative's sequence number across its kiosks"),
    kiosk: z.string(),
    applied_at: z.string().describe("When the resident applied (the form's date, else occurredAt)"),
    conflict: HubConflict.optional(),
  }).describe("One kiosk's register event (seq, prevHash and hash are that kiosk's own chain)"),
);

export const HubEventsPage = named(
  "HubEventsPage",
  z.object({ events: z.array(HubEvent), next_cursor: z.number().int(), has_more: z.boolean() }),
);

export const HubFlat = named(
  "HubFlat",
  FlatConsent.extend({
    kiosk: z.string().describe("The kiosk whose application decides the flat"),
    decidedBySeq: z.number().int().describe("That kiosk's event"),
    appliedAt: z.string(),
  }),
);

export const HubFlats = named("HubFlats", z.object({ flats: z.array(HubFlat) }));

export const HubDeliveryChange = named(
  "HubDeliveryChange",
  DeliveryChange.extend({ cursor: z.number().int().min(1), kiosk: z.string() }).describe(
    "A kiosk's delivery change; seq is the kiosk's own number",
  ),
);

export const HubDeliveriesPage = named(
  "HubDeliveriesPage",
  z.object({ changes: z.array(HubDeliveryChange), next_cursor: z.number().int(), has_more: z.boolean() }),
);

export const HubPaperItem = named(
  "HubPaperItem",
  PaperItem.extend({
    kiosk: z.string(),
    flat: z.string().nullable(),
    address: z.string().nullable(),
    owners: z.array(z.string()).describe("The flat's owners' names, as the kiosk held them"),
    details_held_at_kiosk: z
      .boolean()
      .describe(
        "True when the kiosk did not send the address and owners (its office.pushLetterDetails is off, or its gateway predates them): they are on the kiosk's own paper list",
      ),
    category: z.string().nullable(),
    subject: z.string().nullable(),
    generated_at: z.string().nullable(),
  }).describe(
    "A letter to print and post: a letter of the office's correspondence, or the notice of an office rejection (`rejected-<seq>`, category `rejection_notice`). flat, address, owners, category, subject and generated_at come with the kiosk's paper delivery change, and for a rejection notice rejection_reason and letter_text; address null, owners empty and no rejection_reason or letter_text when the kiosk keeps them (details_held_at_kiosk), all of them null from a kiosk whose gateway does not send them yet.",
  ),
);

export const HubPaperList = named(
  "HubPaperList",
  z.object({ date: z.string(), count: z.number().int(), items: z.array(HubPaperItem) }),
);

export const HubKioskKeys = named(
  "HubKioskKeys",
  z.object({ keys: z.array(kioskKeySchema.extend({ kiosk: z.string() })) }),
);

export const HubKiosks = named(
  "HubKiosks",
  z.object({
    kiosks: z.array(
      z.object({
        kiosk: z.string(),
        head_seq: z.number().int(),
        head_hash: z.string(),
        deliveries_seq: z.number().int(),
        last_push_at: z.string().nullable(),
        chain_breaks: z.array(
          z.object({
            seq: z.number().int(),
            kind: z.enum(EVENT_PROBLEMS),
            expected: z.string(),
            found: z.string(),
            first_at: z.string(),
            last_at: z.string(),
            attempts: z.number().int(),
          }),
        ),
      }),
    ),
  }),
);

export const HubHealth = named(
  "HubHealth",
  z.object({ status: z.enum(["ok", "down"]), reason: z.string().optional() }),
);

const push = (path: string, summary: string, body: z.ZodType, answer: ResponseSpec, more = {}): OfficeOperation => ({
  method: "post",
  path: `/push/v1/${path}`,
  summary,
  body,
  responses: { 200: answer, 400: hubError(400), 403: hubError(403), ...more },
});

/** Every route of the hub, in the order the document lists them. */
export const hubOperations: OfficeOperation[] = [
  push("kiosk-keys", "A kiosk's whole key set (JWK set of its slip-signing keys)", kioskKeysPushBodySchema, {
    description: "Stored",
    json: HubKeysAnswer,
  }),
  push(
    "register/events",
    "A batch of a kiosk's register events, checked against its hash chain",
    eventsPushBodySchema,
    { description: "Stored (resends counted as duplicates)", json: HubEventsAnswer },
    { 409: { description: "A gap or a chain break: the good part before it is stored", json: HubEventsAnswer } },
  ),
  push(
    "deliveries",
    "A batch of a kiosk's delivery changes (paper ones with the letter's address and names)",
    deliveriesPushBodySchema,
    { description: "Stored (resends counted as duplicates)", json: HubDeliveriesAnswer },
  ),
  {
    method: "get",
    path: "/office/v1/register/events",
    summary: "The cooperative's register events across its kiosks, by the cooperative's cursor",
    query: HubPageQuery,
    responses: { 200: { description: "A page", json: HubEventsPage }, 400: hubError(400), 403: hubError(403) },
  },
  {
    method: "get",
    path: "/office/v1/register/flats",
    summary: "Each flat's current consent state, decided by the later application across kiosks",
    responses: { 200: { description: "The flats", json: HubFlats }, 403: hubError(403) },
  },
  {
    method: "get",
    path: "/office/v1/register/flats/{flat}",
    summary: "One flat's current consent state",
    params: z.object({ flat: z.string().describe("The flat code") }),
    responses: {
      200: { description: "The flat", json: HubFlat },
      403: hubError(403),
      404: hubError(404, "No application for this flat at any kiosk"),
    },
  },
  {
    method: "get",
    path: "/office/v1/deliveries",
    summary: "The cooperative's delivery changes across its kiosks, by the cooperative's cursor",
    query: HubPageQuery,
    responses: { 200: { description: "A page", json: HubDeliveriesPage }, 400: hubError(400), 403: hubError(403) },
  },
  {
    method: "get",
    path: "/office/v1/paper",
    summary: "The letters to print and post on a local day, with address and owners",
    query: HubPaperQuery,
    responses: {
      200: {
        description: "JSON, or RFC 4180 CSV with Accept: text/csv (the kiosk's own paper CSV columns, then kiosk)",
        json: HubPaperList,
        text: "text/csv",
      },
      400: hubError(400),
      403: hubError(403),
    },
  },
  {
    method: "get",
    path: "/office/v1/kiosk-keys",
    summary: "Each kiosk's public slip keys (JWK), to verify a printed slip",
    responses: { 200: { description: "The keys", json: HubKioskKeys }, 403: hubError(403) },
  },
  {
    method: "get",
    path: "/office/v1/kiosks",
    summary: "Each kiosk's push state and the chain breaks the hub refused",
    responses: { 200: { description: "The kiosks", json: HubKiosks }, 403: hubError(403) },
  },
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness: the hub reaches its database (not signed, no personal data)",
    signed: false,
    responses: {
      200: { description: "Up", json: HubHealth },
      503: { description: "The database is unreachable", json: HubHealth },
    },
  },
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document (not signed, no personal data)",
    signed: false,
    responses: { 200: { description: "OpenAPI 3.1", json: z.record(z.string(), z.unknown()) } },
  },
];

const SECURITY = {
  officeKey: { type: "apiKey", in: "header", name: PUSH_SIGNATURE.headers.key },
  officeTimestamp: { type: "apiKey", in: "header", name: PUSH_SIGNATURE.headers.timestamp },
  officeNonce: { type: "apiKey", in: "header", name: PUSH_SIGNATURE.headers.nonce },
  officeSignature: { type: "apiKey", in: "header", name: PUSH_SIGNATURE.headers.signature },
};

function commonResponses(op: OfficeOperation): Record<number, ResponseSpec> {
  if (op.signed === false) return {};
  return { 401: hubError(401, "Signature refused"), 413: hubError(413), 500: hubError(500) };
}

/** The document; `windowSeconds` is the configured signature window. */
export function hubOpenApiDocument(input: { windowSeconds: number }) {
  const doc = openApiDocument({
    info: {
      title: "e-Korespondencja office hub",
      version: "1.0.0",
      description: [
        "The office hub between many kiosks and their cooperatives' offices.",
        "Kiosks push to /push/v1 (their office.url): the push contract of the kiosk gateway's office API document (its webhooks), signed with the kiosk's push key, the kiosk id signed as a sixth line.",
        "Offices read /office/v1, signed with an office key: X-Office-Key, X-Office-Timestamp (Unix seconds), X-Office-Nonce (16-128 printable characters, never reused) and X-Office-Signature =",
        "lowercase hex HMAC-SHA256(secret, METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n NONCE \\n hex(SHA-256(body))).",
        `The timestamp must be within ±${input.windowSeconds} s of the hub's clock; each nonce is accepted once.`,
        "A kiosk's push key cannot read /office/v1, an office key cannot push; an office key reads its own cooperative only.",
        "Every error answer is {error: {code, message}} (components.schemas.HubError).",
      ].join(" "),
    },
    servers: [{ url: "/" }],
    operations: hubOperations,
    securitySchemes: SECURITY,
    security: Object.keys(SECURITY),
    commonResponses,
  });
  // A push also sends (and signs) the kiosk id.
  const paths = doc.paths as Record<string, Record<string, { parameters?: unknown[] }>>;
  for (const [path, ops] of Object.entries(paths)) {
    if (!path.startsWith("/push/v1/")) continue;
    ops.post.parameters = [
      {
        name: PUSH_SIGNATURE.headers.kioskId,
        in: "header",
        required: true,
        description: "The sending kiosk; must be the key's kiosk; signed as the sixth line of the signed string",
        schema: { type: "string" },
      },
    ];
  }
  return doc;
}
