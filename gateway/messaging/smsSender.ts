/**
 * The SMS `ChannelSender` the outbox workers drive: applies the encoding policy, hands the
 * message to the modem (gammu-smsd or the simulator) under its outbox id, and queues it for the
 * tracker to follow (`sms_messages`). Handing over is idempotent: a message the modem already has is not sent
 * again.
 */
import type { smsMessages } from "../../db/schema/index.ts";
import type { SmsModem } from "../../drivers/modem/types.ts";
import type { CoreDeps } from "../deps.ts";
import { checkMobile } from "../domain/contacts.ts";
import { prepareSms } from "./smsEncoding.ts";
import type { ChannelSender, OutgoingMessage, SendResult } from "./types.ts";

export type TrackedSms = typeof smsMessages.$inferInsert;

export class SmsSender implements ChannelSender {
  readonly channel = "sms" as const;
  private tracked: TrackedSms[] = [];

  constructor(
    private readonly deps: CoreDeps,
    private readonly modem: SmsModem,
  ) {}

  async send(message: OutgoingMessage): Promise<SendResult> {
    const accepting = this.modem.accepting();
    if (!accepting.ok) return { outcome: "retry", reason: accepting.reason };
    const number = checkMobile(message.recipient);
    if (!number.valid) return { outcome: "failed", reason: `invalid_number: ${number.reason}`, contactFailing: true };
    const { maxParts, transliterateLong } = this.deps.config.sms;
    const prepared = prepareSms(message.text, message.kind, { maxParts, transliterateLong });
    if (!prepared.ok) {
      return {
        outcome: "failed",
        reason: `text_${prepared.reason} (${prepared.segments} segments)`,
        contactFailing: false,
      };
    }
    let externalId: string;
    try {
      const submitted = await this.modem.submit({
        id: message.id,
        to: number.e164,
        text: prepared.text,
        unicode: prepared.encoding === "UCS-2",
        report: this.deps.config.sms.deliveryReports,
        parts: prepared.segments,
        urgent: message.kind === "otp",
      });
      externalId = submitted.externalId;
      if (submitted.reused) this.deps.logger.info({ messageId: message.id, externalId }, "sms already with the modem");
    } catch (err) {
      return { outcome: "retry", reason: `modem: ${(err as Error).message}` };
    }
    // Tracking rows are written by the tracker in one transaction per poll (off the hot path);
    // after a crash it rebuilds them from the outbox rows the worker marked sent.
    const now = this.deps.clock.now().toISOString();
    this.tracked.push({
      outboxId: message.id,
      driver: this.modem.kind,
      externalId,
      recipient: number.e164,
      encoding: prepared.encoding,
      parts: prepared.segments,
      state: "queued",
      injectedAt: now,
      updatedAt: now,
    });
    return { outcome: "sent", externalId };
  }

  /** Messages handed over since the last call (the tracker stores them). */
  takeTracked(): TrackedSms[] {
    const out = this.tracked;
    this.tracked = [];
    return out;
  }

  async close(): Promise<void> {}
}
