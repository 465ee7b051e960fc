/**
 * The office API contract: every operation of `/office/v1` with its zod schemas, and the
 * OpenAPI 3.1 document generated from them (served at `GET /office/v1/openapi.json`).
 */
import * as z from "zod";
import type { Config } from "../../config.ts";
import { pushWebhooks } from "../pushWebhooks.ts";
import { correspondenceOperations } from "./correspondence.ts";
import { deliveriesOperations } from "./deliveries.ts";
import { ErrorCode, errorResponse } from "./errors.ts";
import { messagesOperations } from "./messages.ts";
import { monitoringOperations } from "./monitoring.ts";
import { openApiDocument } from "./openapi.ts";
import type { OfficeOperation, ResponseSpec } from "./operation.ts";
import { ownersOperations } from "./owners.ts";
import { paperOperations } from "./paper.ts";
import { registerOperations } from "./register.ts";

/** Every route of `/office/v1`, in the order the document lists them. */
export function officeOperations(config: Pick<Config, "office">): OfficeOperation[] {
  return [
    ...ownersOperations,
    ...registerOperations,
    ...correspondenceOperations(config),
    ...deliveriesOperations,
    ...paperOperations,
    ...messagesOperations,
    ...monitoringOperations,
    {
      method: "get",
      path: "/openapi.json",
      summary: "This document (not signed)",
      signed: false,
      responses: { 200: { description: "OpenAPI 3.1", json: z.record(z.string(), z.unknown()) } },
    },
  ];
}

const SECURITY = {
  officeKey: { type: "apiKey", in: "header", name: "X-Office-Key" },
  officeTimestamp: { type: "apiKey", in: "header", name: "X-Office-Timestamp" },
  officeNonce: { type: "apiKey", in: "header", name: "X-Office-Nonce" },
  officeSignature: { type: "apiKey", in: "header", name: "X-Office-Signature" },
};

/** Every signed route may answer these. */
function commonResponses(op: OfficeOperation): Record<number, ResponseSpec> {
  if (op.signed === false) return {};
  return {
    401: errorResponse(401, "Signature refused"),
    413: errorResponse(413),
    500: errorResponse(500),
    503: errorResponse(503),
  };
}

export function officeApiDocument(config: Config) {
  const push = pushWebhooks(config);
  return openApiDocument({
    info: {
      title: "e-Korespondencja office API",
      version: "1.0.0",
      description: [
        "The cooperative office's interface to the kiosk gateway.",
        "Every request except this document is signed: headers X-Office-Key (key id), X-Office-Timestamp",
        "(Unix seconds), X-Office-Nonce (16-128 printable characters, never reused) and X-Office-Signature =",
        "lowercase hex HMAC-SHA256(secret, METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n NONCE \\n hex(SHA-256(body))).",
        `The timestamp must be within ±${config.office.timestampWindowSeconds} s of the server's clock.`,
        "Every error answer is {error: {code, message, …}}; the codes are listed in components.schemas.ErrorCode.",
        "Dates (generated_at, as_of) are ISO 8601 and checked against the calendar; without an offset they are",
        "local time in Europe/Warsaw (components.schemas.OfficeDate).",
        "The webhooks are the other direction: what a gateway with office.url set POSTs to the office (push sync), generated from the same schemas the gateway builds and checks them with.",
      ].join(" "),
    },
    servers: [{ url: "/office/v1" }],
    operations: officeOperations(config),
    webhooks: push.webhooks,
    extensions: { "x-push": push.rules },
    securitySchemes: { ...SECURITY, ...push.securitySchemes },
    security: Object.keys(SECURITY),
    commonResponses,
    extraSchemas: [ErrorCode],
  });
}
