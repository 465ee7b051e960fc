/** Structured logs, one line per event; emails and phone numbers never appear in clear. */
import pino, { type Logger } from "pino";
import { maskEmail, maskMobile } from "./domain/contacts.ts";

export type { Logger };

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /\+\d{9,15}/g;

/** Masks emails and E.164 numbers anywhere inside a log string. */
export function maskPersonalData(text: string): string {
  return text.replace(EMAIL, (m) => maskEmail(m)).replace(PHONE, (m) => maskMobile(m));
}

/**
 * pino's own error serializer (type, message, stack, code, cause…) with personal data masked
 * in every string, the stack included. Used for `err` and for an Error under any other key.
 */
export function serializeError(err: unknown): unknown {
  return maskDeep(err instanceof Error ? pino.stdSerializers.err(err) : err);
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return serializeError(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: "gateway" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The log formatter runs before the serializers, so it serializes errors itself (same function).
      formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
      serializers: { err: serializeError },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === "string" ? maskPersonalData(a) : a));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
