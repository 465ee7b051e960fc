/**
 * In-process SMS simulator behind the same interface as the gammu bridge (for `npm start` on a
 * machine without a modem). It keeps what was "sent", produces delivery reports and accepts
 * simulated replies. Demo rule: numbers ending in 000 never receive (report: failed), numbers
 * ending in 999 stay pending (phone off, SMS inbox full).
 */
import { randomUUID } from "node:crypto";
import type {
  Acceptance,
  IncomingSms,
  ModemHealth,
  ModemMessageStatus,
  SmsModem,
  SubmitRequest,
  SubmitResult,
} from "./types.ts";

export interface SimulatedSms {
  /** Our outbox id. */
  id: string;
  externalId: string;
  to: string;
  text: string;
  unicode: boolean;
  at: string;
  status: ModemMessageStatus;
}

export interface SimulatorOptions {
  now?: () => Date;
  /** Delivery reports arrive automatically (demo). Tests switch it off and report by hand. */
  autoReport?: boolean;
  /** Keep at most this many sent messages in memory. */
  keep?: number;
}

export class SmsSimulator implements SmsModem {
  readonly kind = "simulator" as const;
  private readonly messages: SimulatedSms[] = [];
  private readonly byId = new Map<string, SimulatedSms>();
  private readonly inbox: IncomingSms[] = [];
  private nextId = 1;
  private running = false;

  constructor(private readonly o: SimulatorOptions = {}) {}

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  accepting(): Acceptance {
    return this.running ? { ok: true } : { ok: false, reason: "simulator stopped" };
  }

  async submit(req: SubmitRequest): Promise<SubmitResult> {
    const existing = this.messages.find((m) => m.id === req.id);
    if (existing) return { externalId: existing.externalId, reused: true };
    const at = this.now().toISOString();
    const message: SimulatedSms = {
      id: req.id,
      externalId: `sim-${this.nextId++}`,
      to: req.to,
      text: req.text,
      unicode: req.unicode,
      at,
      status: { state: "sent", at },
    };
    if (this.o.autoReport !== false) {
      if (req.to.endsWith("000")) message.status = { state: "failed", reason: "delivery_failed", at };
      else if (!req.to.endsWith("999")) message.status = { state: "delivered", at };
      else message.status = { state: "pending", at };
    }
    this.messages.push(message);
    this.byId.set(message.externalId, message);
    const keep = this.o.keep ?? 1000;
    while (this.messages.length > keep) {
      const old = this.messages.shift();
      if (old) this.byId.delete(old.externalId);
    }
    return { externalId: message.externalId, reused: false };
  }

  async statusOf(externalIds: string[]): Promise<Map<string, ModemMessageStatus>> {
    const out = new Map<string, ModemMessageStatus>();
    for (const id of externalIds) out.set(id, this.byId.get(id)?.status ?? { state: "unknown" });
    return out;
  }

  async readIncoming(limit: number): Promise<IncomingSms[]> {
    return this.inbox.slice(0, limit);
  }

  async ackIncoming(key: string): Promise<void> {
    const index = this.inbox.findIndex((m) => m.key === key);
    if (index >= 0) this.inbox.splice(index, 1);
  }

  async health(): Promise<ModemHealth> {
    return this.running
      ? {
          status: "ok",
          driver: "simulator",
          signalPercent: 100,
          network: "Symulator",
          sim: "ready",
          sent: this.nextId - 1,
        }
      : { status: "down", driver: "simulator" };
  }

  /** Sent messages, oldest first. */
  sent(): SimulatedSms[] {
    return [...this.messages];
  }

  /** A delivery report from the (simulated) network for the latest message to `to`. */
  report(to: string, outcome: "delivered" | "failed" | "pending"): boolean {
    const message = [...this.messages].reverse().find((m) => m.to === to);
    if (!message) return false;
    const at = this.now().toISOString();
    message.status = outcome === "failed" ? { state: "failed", reason: "delivery_failed", at } : { state: outcome, at };
    return true;
  }

  /** A resident's reply arriving at the (simulated) modem. */
  receive(from: string, text: string): IncomingSms {
    const sms = { key: `sim:${randomUUID()}`, from, text, receivedAt: this.now().toISOString() };
    this.inbox.push(sms);
    return sms;
  }
}
