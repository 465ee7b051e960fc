/** What the gateway needs from "the modem": gammu-smsd through its database, or the simulator. */

export interface SubmitRequest {
  /** Our outbox id: the idempotency key (gammu `CreatorID`). */
  id: string;
  /** E.164 number. */
  to: string;
  text: string;
  unicode: boolean;
  report: boolean;
  /** Segments the text takes (1 when it fits one SMS). */
  parts?: number;
  /** A one-time code: a resident is waiting at the kiosk for it. */
  urgent?: boolean;
}

export interface SubmitResult {
  externalId: string;
  /** True when the modem already had this id: nothing was sent again. */
  reused: boolean;
}

/**
 * queued: waiting in the modem's outbox; sent: handed to the network; pending: the network
 * holds it (phone off, SMS inbox full); unknown: the modem has no trace of it.
 */
export type ModemMessageState = "queued" | "sent" | "pending" | "delivered" | "failed" | "unknown";

export interface ModemMessageStatus {
  state: ModemMessageState;
  reason?: string;
  /** ISO instant of the last change the modem reports (sending or delivery time). */
  at?: string | null;
}

export interface IncomingSms {
  /** Source-qualified id ("gammu:12"): handled once. */
  key: string;
  from: string;
  text: string;
  receivedAt: string;
}

export interface ModemHealth {
  status: "ok" | "degraded" | "down";
  [detail: string]: unknown;
}

export type Acceptance = { ok: true } | { ok: false; reason: string };

export interface SmsModem {
  readonly kind: "gammu" | "simulator";
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether new messages should be handed over now (a refused PIN stops everything). */
  accepting(): Acceptance;
  submit(req: SubmitRequest): Promise<SubmitResult>;
  statusOf(externalIds: string[]): Promise<Map<string, ModemMessageStatus>>;
  readIncoming(limit: number): Promise<IncomingSms[]>;
  ackIncoming(key: string): Promise<void>;
  health(): Promise<ModemHealth>;
}
