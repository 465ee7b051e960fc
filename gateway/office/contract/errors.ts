/**
 * The office API's error codes: one style (lower-case snake_case) on the whole `/office/v1`
 * surface. The gateway's own KioskError codes (BAD_REQUEST, NOT_FOUND, …) are turned into these
 * at the edge; the document lists this table, generated from the constant below.
 */
import * as z from "zod";
import { AUTH_FAILURES, type AuthFailure } from "../signing.ts";
import { named, type ResponseSpec } from "./operation.ts";

const AUTH_MEANINGS: Record<AuthFailure, string> = {
  missing_header: "a signature header is missing (error.header names it)",
  bad_header: "a signature header is malformed (nonce shorter than 16 characters, timestamp not digits)",
  unknown_key: "X-Office-Key names no key",
  revoked_key: "the key was revoked",
  bad_signature: "X-Office-Signature does not match the request",
  timestamp_skew: "X-Office-Timestamp is outside the window (the answer carries server_time)",
  replayed: "the nonce was already used",
};

/** Every `error.code` the office API answers, with its HTTP status and meaning. */
export const OFFICE_ERRORS = {
  bad_request: {
    status: 400,
    meaning: "the query, path or body does not match the schema; error.field names the first bad field",
  },
  ...(Object.fromEntries(AUTH_FAILURES.map((code) => [code, { status: 401, meaning: AUTH_MEANINGS[code] }])) as Record<
    AuthFailure,
    { status: 401; meaning: string }
  >),
  not_found: { status: 404, meaning: "no such route, item or register event" },
  conflict: { status: 409, meaning: "the request contradicts the register (error.details.reason says how)" },
  host_not_allowed: { status: 421, meaning: "the Host header names no name of this listener (office.allowedHosts)" },
  payload_too_large: { status: 413, meaning: "the body is larger than office.maxBodyBytes" },
  internal: { status: 500, meaning: "an unexpected failure (logged by the gateway)" },
  register_broken: { status: 503, meaning: "the register's hash chain failed its check; writes are refused" },
  out_of_service: { status: 503, meaning: "out of service: the data disk is full; retry once space is freed" },
  unavailable: { status: 503, meaning: "a part the request needs is unavailable; retry later" },
  busy: { status: 503, meaning: "too much work queued; retry later" },
} as const;

export type OfficeErrorCode = keyof typeof OFFICE_ERRORS;
export const OFFICE_ERROR_CODES = Object.keys(OFFICE_ERRORS) as OfficeErrorCode[];

/** The office spelling of a gateway error code (`BAD_REQUEST` → `bad_request`); unknown ones are `internal`. */
export function officeErrorCode(code: string): OfficeErrorCode {
  const lower = code.toLowerCase();
  return lower in OFFICE_ERRORS ? (lower as OfficeErrorCode) : "internal";
}

/** The code as the surface of `path` spells it: lower case under `/office/v1`, as thrown elsewhere. */
export function errorCodeFor(path: string, code: string): string {
  return path === "/office/v1" || path.startsWith("/office/v1/") ? officeErrorCode(code) : code;
}

export const ErrorCode = named(
  "ErrorCode",
  z
    .enum(OFFICE_ERROR_CODES as [OfficeErrorCode, ...OfficeErrorCode[]])
    .describe(
      OFFICE_ERROR_CODES.map((c) => `${c} (${OFFICE_ERRORS[c].status}): ${OFFICE_ERRORS[c].meaning}`).join("; "),
    ),
);

export const ErrorBody = named(
  "Error",
  z.object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      /** The first field that failed validation (400). */
      field: z.string().optional(),
      /** The signature header at fault (401). */
      header: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
      server_time: z.number().int().optional(),
      window_seconds: z.number().int().optional(),
    }),
    /** On a refused signature: the gateway's Unix time, to measure clock skew. */
    server_time: z.number().int().optional(),
  }),
);

/** A documented error answer: the codes of that status, from the table. */
export function errorResponse(status: number, what?: string): ResponseSpec {
  const codes = OFFICE_ERROR_CODES.filter((c) => OFFICE_ERRORS[c].status === status);
  return { description: `${what ? `${what}. ` : ""}error.code: ${codes.join(", ")}`, json: ErrorBody };
}
