/** One error type for the gateway, switched on by code in routes, logs and the kiosk UI. */
export type KioskErrorCode =
  | "BAD_REQUEST"
  | "NOT_FOUND"
  | "REGISTER_BROKEN"
  | "NOT_ELIGIBLE"
  | "IDENTIFY_FAILED"
  | "IDENTIFY_COOLDOWN"
  | "CONTACT_INVALID"
  | "CONTACT_UNVERIFIED"
  | "CODE_EXPIRED"
  | "CODE_WRONG"
  | "CODE_USED"
  | "TOO_MANY_ATTEMPTS"
  | "RATE_LIMITED"
  | "NOT_ENROLLED"
  | "CONFLICT"
  | "PRINTER_ERROR"
  | "MODEM_ERROR"
  | "SMTP_ERROR"
  | "UNAUTHORIZED"
  | "UNAVAILABLE"
  | "OUT_OF_SERVICE"
  | "BUSY"
  | "INTERNAL";

const STATUS: Partial<Record<KioskErrorCode, number>> = {
  BAD_REQUEST: 400,
  CONTACT_INVALID: 400,
  NOT_FOUND: 404,
  NOT_ELIGIBLE: 403,
  IDENTIFY_FAILED: 403,
  IDENTIFY_COOLDOWN: 429,
  CONTACT_UNVERIFIED: 409,
  CODE_EXPIRED: 410,
  CODE_WRONG: 422,
  CODE_USED: 409,
  TOO_MANY_ATTEMPTS: 429,
  RATE_LIMITED: 429,
  NOT_ENROLLED: 409,
  CONFLICT: 409,
  REGISTER_BROKEN: 503,
  UNAVAILABLE: 503,
  OUT_OF_SERVICE: 503,
  BUSY: 503,
  UNAUTHORIZED: 401,
};

export class KioskError extends Error {
  constructor(
    readonly code: KioskErrorCode,
    message: string = code,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "KioskError";
  }

  get status(): number {
    return STATUS[this.code] ?? 500;
  }
}
