/** The contract between the outbox workers and the channel senders (SMTP, gammu-smsd). */

export interface OutgoingMessage {
  /** Outbox id = idempotency key (email Message-ID, gammu CreatorID). */
  id: string;
  channel: "email" | "sms";
  kind: "otp" | "notice" | "reminder" | "correspondence" | "heads_up";
  recipient: string;
  subject?: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; contentType: string; path: string }>;
  category?: string | null;
  attempts: number;
}

export type SendResult =
  /** Accepted by the SMTP server / injected into gammu-smsd's outbox. */
  | { outcome: "sent"; externalId?: string }
  /** Transient (SMTP 4xx, connection dropped, modem busy): retry with backoff. */
  | { outcome: "retry"; reason: string }
  /** Permanent (SMTP 5xx, invalid number): the contact is marked failing. */
  | { outcome: "failed"; reason: string; contactFailing: boolean };

export interface ChannelSender {
  readonly channel: "email" | "sms";
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}

/** Asynchronous delivery information (DSN bounce, SMS delivery report). */
export interface DeliveryReport {
  messageId: string;
  status: "delivered" | "failed" | "pending";
  reason?: string;
  /** A failure that means the address/number does not receive (mailbox full, no such user). */
  contactFailing?: boolean;
}
