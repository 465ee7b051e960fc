/** The office API as an OpenAPI 3.1 document (hand-written next to the routes it describes). */
import type { Config } from "../../config.ts";
import { CATEGORIES } from "../../domain/categories.ts";
import { CONSENT_EVENT_TYPES } from "../../domain/registerEvents.ts";
import { pushWebhooks } from "../../office/pushWebhooks.ts";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description = "OK") => ({ description, content: { "application/json": { schema } } });
const errors = {
  "400": json(ref("Error"), "Invalid input (the field is named in the message)"),
  "401": json(ref("AuthError"), "Signature refused"),
};
const query = (name: string, schema: object, description: string, required = false) => ({
  name,
  in: "query",
  required,
  description,
  schema,
});
const REASONS = [
  "before_electronic_start",
  "payment_demand_on_paper",
  "no_consent",
  "withdrawn",
  "rejected_by_office",
  "grace_period",
  "contact_failing",
  "no_contact",
  "consented",
  "no_electronic_channel",
  "sms_only_category",
];

export function openApiDocument(config: Config) {
  const channel = { type: "string", enum: ["email", "sms"] };
  const push = pushWebhooks(config);
  return {
    openapi: "3.1.0",
    info: {
      title: "e-Korespondencja office API",
      version: "1.0.0",
      description: [
        "The cooperative office's interface to the kiosk gateway.",
        "Every request except this document is signed: headers X-Office-Key (key id), X-Office-Timestamp",
        "(Unix seconds), X-Office-Nonce (16-128 printable characters, never reused) and X-Office-Signature =",
        "lowercase hex HMAC-SHA256(secret, METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n NONCE \\n hex(SHA-256(body))).",
        `The timestamp must be within ±${config.office.timestampWindowSeconds} s of the server's clock; a refused`,
        "request answers 401 with error.code one of missing_header, bad_header, unknown_key, revoked_key,",
        "bad_signature, timestamp_skew (with server_time), replayed.",
        "The webhooks are the other direction: what a gateway with office.url set POSTs to the office (push sync), generated from the same schemas the gateway builds and checks them with.",
      ].join(" "),
    },
    webhooks: push.webhooks,
    "x-push": push.rules,
    servers: [{ url: "/office/v1" }],
    security: [{ officeKey: [], officeTimestamp: [], officeNonce: [], officeSignature: [] }],
    paths: {
      "/owners": {
        put: {
          summary: "Replace the owners register (idempotent)",
          description:
            "Owners and shares missing from the upload lose eligibility; their register events stay. Each row is validated; rejected rows are listed with the reason.",
          requestBody: { required: true, content: { "application/json": { schema: ref("OwnersRegister") } } },
          responses: { "200": json(ref("OwnersImportResult")), ...errors },
        },
      },
      "/register/events": {
        get: {
          summary: "Register events after a cursor, in order, with their hashes",
          parameters: [
            query("after", { type: "integer", minimum: 0, default: 0 }, "Last sequence number already held"),
            query("limit", { type: "integer", minimum: 1, maximum: 10000, default: 1000 }, "Page size"),
          ],
          responses: { "200": json(ref("EventsPage")), ...errors },
        },
      },
      "/register": {
        get: {
          summary: "Consent state per flat at a moment (default: now)",
          parameters: [
            query("as_of", { type: "string" }, "ISO date (end of that day, Europe/Warsaw) or date-time"),
            query("flat", { type: "string" }, "Only this flat"),
          ],
          responses: { "200": json(ref("RegisterState")), ...errors },
        },
      },
      "/register/decisions": {
        post: {
          summary: "Reject an enrolment during its grace period",
          description:
            "Appends an office_rejected event and queues a notice to the resident. Repeating the same decision answers 200 with the first event.",
          requestBody: { required: true, content: { "application/json": { schema: ref("Decision") } } },
          responses: {
            "201": json(ref("DecisionResult"), "Rejected"),
            "200": json(ref("DecisionResult"), "Already rejected earlier (repeated: true)"),
            "404": json(ref("Error"), "No such event for the flat"),
            "409": json(ref("Error"), "Not an enrolment, grace period over, or superseded (details.reason)"),
            ...errors,
          },
        },
      },
      "/correspondence": {
        post: {
          summary: "Route and send a batch of correspondence",
          description: `Up to ${config.office.maxBatchItems} items; PDF attachments up to ${config.office.maxAttachmentBytes} bytes each. Idempotent by item id: a repeated id returns the first answer and is never sent twice.`,
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["items"],
                  properties: { items: { type: "array", items: ref("CorrespondenceItem") } },
                },
              },
            },
          },
          responses: {
            "200": json({
              type: "object",
              properties: {
                items: { type: "array", items: ref("ItemAnswer") },
                repeated: { type: "array", items: { type: "string" } },
              },
            }),
            "413": json(ref("Error"), "Body too large"),
            ...errors,
          },
        },
      },
      "/correspondence/{id}": {
        get: {
          summary: "The stored answer for one item",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": json(ref("ItemAnswer")), "404": json(ref("Error"), "Unknown item"), ...errors },
        },
      },
      "/deliveries": {
        get: {
          summary: "Delivery status changes after a cursor",
          parameters: [
            query("after", { type: "integer", minimum: 0, default: 0 }, "Last seq already held"),
            query("limit", { type: "integer", minimum: 1, maximum: 10000, default: 1000 }, "Page size"),
          ],
          responses: { "200": json(ref("DeliveriesPage")), ...errors },
        },
      },
      "/messages": {
        get: {
          summary: "SMS replies from residents (action office: for staff; withdrawn: STOP handled automatically)",
          parameters: [
            query("after", { type: "string" }, "next_cursor of the previous page"),
            query("limit", { type: "integer", minimum: 1, maximum: 1000, default: 100 }, "Page size"),
            query(
              "unseen",
              { type: "string", enum: ["true", "false"], default: "false" },
              "Only messages not marked seen",
            ),
            query("action", { type: "string", enum: ["office", "withdrawn"] }, "Filter by what the gateway did"),
          ],
          responses: {
            "200": json({
              type: "object",
              properties: {
                messages: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: {
                      id: { type: "string" },
                      from: { type: "string", description: "E.164" },
                      text: { type: "string" },
                      receivedAt: { type: "string", format: "date-time" },
                      action: { type: "string", enum: ["office", "withdrawn"] },
                      flatCodes: { type: "array", items: { type: "string" } },
                      seenAt: { type: ["string", "null"] },
                      cursor: { type: "string" },
                    },
                  },
                },
                next_cursor: { type: ["string", "null"] },
              },
            }),
            ...errors,
          },
        },
      },
      "/messages/seen": {
        post: {
          summary: "Mark SMS replies as read by the office",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["ids"],
                  properties: { ids: { type: "array", items: { type: "string" } } },
                },
              },
            },
          },
          responses: { "200": json({ type: "object", properties: { marked: { type: "integer" } } }), ...errors },
        },
      },
      "/paper": {
        get: {
          summary: "What must go by post on a day, with the reason per item",
          parameters: [query("date", { type: "string", format: "date" }, "Local date (default: today)")],
          responses: {
            "200": {
              description: "JSON, or CSV when the request sends Accept: text/csv",
              content: { "application/json": { schema: ref("PaperList") }, "text/csv": { schema: { type: "string" } } },
            },
            ...errors,
          },
        },
      },
      "/kiosk-keys": {
        get: {
          summary: "The kiosk's Ed25519 public keys (JWK set; also at /.well-known/kiosk-keys.json)",
          responses: {
            "200": json({ type: "object", properties: { keys: { type: "array", items: { type: "object" } } } }),
            ...errors,
          },
        },
      },
      "/health": {
        get: {
          summary: "Health summary for monitoring (the /healthz parts plus outbox counts)",
          responses: { "200": json(ref("Health")), ...errors },
        },
      },
      "/openapi.json": {
        get: { summary: "This document (not signed)", security: [], responses: { "200": json({ type: "object" }) } },
      },
    },
    components: {
      securitySchemes: {
        officeKey: { type: "apiKey", in: "header", name: "X-Office-Key" },
        officeTimestamp: { type: "apiKey", in: "header", name: "X-Office-Timestamp" },
        officeNonce: { type: "apiKey", in: "header", name: "X-Office-Nonce" },
        officeSignature: { type: "apiKey", in: "header", name: "X-Office-Signature" },
        ...push.securitySchemes,
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } },
            },
          },
        },
        AuthError: {
          type: "object",
          properties: {
            error: {
              type: "object",
              properties: {
                code: {
                  type: "string",
                  enum: [
                    "missing_header",
                    "bad_header",
                    "unknown_key",
                    "revoked_key",
                    "bad_signature",
                    "timestamp_skew",
                    "replayed",
                  ],
                },
                message: { type: "string" },
                header: { type: "string" },
                server_time: { type: "integer" },
                window_seconds: { type: "integer" },
              },
            },
            server_time: { type: "integer", description: "The server's Unix time, to measure clock skew" },
          },
        },
        OwnersRegister: {
          type: "object",
          required: ["buildings", "flats", "owners", "shares"],
          properties: {
            buildings: {
              type: "array",
              items: {
                type: "object",
                required: ["id", "address", "city"],
                properties: { id: { type: "string" }, address: { type: "string" }, city: { type: "string" } },
              },
            },
            flats: {
              type: "array",
              items: {
                type: "object",
                required: ["code", "buildingId", "staircase", "number"],
                properties: {
                  code: { type: "string", pattern: "^[A-Za-z0-9-]{2,40}$" },
                  buildingId: { type: "string" },
                  staircase: { type: "string" },
                  number: { type: "string" },
                  verificationCode: { type: "string", pattern: "^\\d{4,12}$" },
                },
              },
            },
            owners: {
              type: "array",
              items: {
                type: "object",
                required: ["id", "firstName", "surname"],
                properties: { id: { type: "string" }, firstName: { type: "string" }, surname: { type: "string" } },
              },
            },
            shares: {
              type: "array",
              items: {
                type: "object",
                required: ["flatCode", "ownerId", "role"],
                properties: {
                  flatCode: { type: "string" },
                  ownerId: { type: "string" },
                  role: { type: "string", enum: ["owner", "co_owner"] },
                },
              },
            },
          },
        },
        OwnersImportResult: {
          type: "object",
          properties: {
            accepted: { type: "object", additionalProperties: { type: "integer" } },
            rejected: {
              type: "array",
              items: {
                type: "object",
                properties: { section: { type: "string" }, index: { type: "integer" }, reason: { type: "string" } },
              },
            },
            deactivated: { type: "object", properties: { owners: { type: "integer" }, shares: { type: "integer" } } },
          },
        },
        Event: {
          type: "object",
          required: ["seq", "type", "flatCode", "ownerId", "payload", "occurredAt", "prevHash", "hash"],
          description:
            "hash = hex SHA-256 of the RFC 8785 canonical JSON of {seq,type,flatCode,ownerId,payload,occurredAt,prevHash}; prevHash of seq 1 is 64 zeros.",
          properties: {
            seq: { type: "integer" },
            type: { type: "string", enum: CONSENT_EVENT_TYPES },
            flatCode: { type: "string" },
            ownerId: { type: ["string", "null"] },
            payload: {
              type: "object",
              description:
                "Enrolments, updates and replacements may carry source (kiosk | paper_form | paper_import; absent = kiosk), appliedAt (the date on a paper form: routing and the grace period count from it), formReference and enteredBy. occurredAt is when the event was written.",
            },
            occurredAt: { type: "string", format: "date-time" },
            prevHash: { type: "string" },
            hash: { type: "string" },
          },
        },
        EventsPage: {
          type: "object",
          properties: {
            events: { type: "array", items: ref("Event") },
            next_cursor: { type: "integer" },
            head_seq: { type: "integer" },
            has_more: { type: "boolean" },
          },
        },
        FlatConsent: {
          type: "object",
          properties: {
            flatCode: { type: "string" },
            status: { type: "string", enum: ["none", "active", "withdrawn", "rejected"] },
            designatedRecipient: { type: ["string", "null"] },
            email: { type: ["string", "null"] },
            mobile: { type: ["string", "null"] },
            unverified: { type: "array", items: channel },
            channels: {
              type: "object",
              additionalProperties: {
                type: "object",
                properties: {
                  consented: { type: "boolean" },
                  paperUntil: { type: ["string", "null"] },
                  health: { type: "string", enum: ["ok", "at_risk", "failing"] },
                },
              },
            },
            consentVersion: { type: ["string", "null"] },
            language: { type: ["string", "null"], description: "The resident's kiosk language (pl, en, uk)." },
            enrolledAt: { type: ["string", "null"] },
            lastEventSeq: { type: "integer" },
          },
        },
        RegisterState: {
          type: "object",
          properties: {
            as_of: { type: ["string", "null"] },
            head_seq: { type: ["integer", "null"] },
            flats: { type: "array", items: ref("FlatConsent") },
          },
        },
        Decision: {
          type: "object",
          required: ["flat", "seq", "decision", "reason"],
          properties: {
            flat: { type: "string" },
            seq: { type: "integer", description: "Sequence number of the enrolment event" },
            decision: { type: "string", enum: ["reject"] },
            reason: { type: "string", minLength: 3, maxLength: 500 },
          },
        },
        DecisionResult: {
          type: "object",
          properties: {
            repeated: { type: "boolean" },
            event: {
              type: "object",
              properties: {
                seq: { type: "integer" },
                hash: { type: "string" },
                type: { type: "string" },
                occurredAt: { type: "string" },
              },
            },
            notices: { type: "array", items: { type: "string" } },
          },
        },
        CorrespondenceItem: {
          type: "object",
          required: ["id", "flat", "category", "generated_at", "subject", "text"],
          properties: {
            id: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,100}$" },
            flat: { type: "string" },
            category: { type: "string", enum: CATEGORIES },
            generated_at: { type: "string", description: "ISO date or date-time the letter was generated" },
            subject: { type: "string", maxLength: 300 },
            text: { type: "string", maxLength: 100000 },
            sms_text: { type: "string", maxLength: 1000 },
            attachments: {
              type: "array",
              items: {
                type: "object",
                required: ["filename", "content_base64"],
                properties: {
                  filename: { type: "string" },
                  content_base64: { type: "string", contentEncoding: "base64" },
                },
              },
            },
          },
        },
        ItemAnswer: {
          oneOf: [
            {
              type: "object",
              properties: {
                id: { type: "string" },
                status: { const: "accepted" },
                flat: { type: "string" },
                channels: { type: "array", items: { type: "string", enum: ["email", "sms", "paper"] } },
                decisions: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: {
                      channel: { type: "string" },
                      send: { type: "boolean" },
                      reason: { type: "string", enum: REASONS },
                    },
                  },
                },
                messages: {
                  type: "array",
                  items: { type: "object", properties: { channel, message_id: { type: "string" } } },
                },
                paper: { type: "boolean" },
                paper_reason: { type: ["string", "null"] },
                notify_office: {
                  type: "boolean",
                  description: "A failing contact forced paper: ask the resident to update it",
                },
                failing_channels: { type: "array", items: channel },
                received_at: { type: "string" },
              },
            },
            {
              type: "object",
              properties: {
                id: { type: "string" },
                status: { const: "rejected" },
                error: {
                  type: "object",
                  properties: {
                    code: {
                      type: "string",
                      enum: [
                        "bad_id",
                        "unknown_flat",
                        "bad_category",
                        "bad_generated_at",
                        "bad_subject",
                        "bad_text",
                        "bad_sms_text",
                        "bad_attachment",
                        "attachment_too_large",
                        "attachment_not_pdf",
                      ],
                    },
                    message: { type: "string" },
                  },
                },
              },
            },
          ],
        },
        DeliveriesPage: {
          type: "object",
          properties: {
            changes: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  seq: { type: "integer" },
                  message_id: { type: "string" },
                  correspondence_id: { type: ["string", "null"] },
                  channel: { type: "string", enum: ["email", "sms", "paper"] },
                  status: { type: "string", enum: ["queued", "sent", "delivered", "failed", "paper"] },
                  reason: { type: ["string", "null"] },
                  at: { type: "string" },
                },
              },
            },
            next_cursor: { type: "integer" },
            has_more: { type: "boolean" },
          },
        },
        PaperList: {
          type: "object",
          properties: {
            date: { type: "string" },
            count: { type: "integer" },
            items: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  correspondence_id: { type: "string" },
                  flat: { type: "string" },
                  address: { type: "string" },
                  owners: { type: "array", items: { type: "string" } },
                  category: { type: "string" },
                  subject: { type: "string" },
                  generated_at: { type: "string" },
                  reason: { type: "string" },
                  source: { type: "string", enum: ["routed", "fallback"] },
                  at: { type: "string" },
                },
              },
            },
          },
        },
        Health: {
          type: "object",
          properties: {
            status: { type: "string", enum: ["ok", "degraded", "down"] },
            parts: {
              type: "object",
              additionalProperties: { type: "object", properties: { status: { type: "string" } } },
            },
            kioskId: { type: "string" },
            time: { type: "string" },
            outbox: { type: "array", items: { type: "object" } },
          },
        },
      },
    },
  };
}
