/** The hub's one error type: a code the routes map to HTTP and clients can switch on. */
export type HubErrorCode = "bad_request" | "not_found" | "kiosk_mismatch" | "chain_break" | "gap" | "exists";

export class HubError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HubError";
  }
}
