/**
 * The email channel: a pooled nodemailer SMTP transport. The outbox id becomes the Message-ID
 * (`<id@domain>`), so a message re-sent after a crash carries the same id and the receiving
 * side (and our bounce reader) can tell it is the same letter.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { classifySmtpError, type SmtpErrorLike } from "./smtpReplies.ts";
import { renderEmail } from "./templates/email.ts";
import type { ChannelSender, OutgoingMessage, SendResult } from "./types.ts";

export interface EmailSenderDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
}

export interface SmtpTarget {
  host: string;
  port: number;
}

/** `<id@domain>`; the domain defaults to "<kiosk id>.<From domain>", e.g. k1.naszdom.radom.pl. */
export function messageIdDomain(config: Config): string {
  if (config.email.messageIdDomain) return config.email.messageIdDomain;
  const fromDomain = config.email.from.slice(config.email.from.lastIndexOf("@") + 1) || "localhost";
  return `${config.kioskId.toLowerCase()}.${fromDomain}`;
}

export function messageIdFor(id: string, config: Config): string {
  return `<${id}@${messageIdDomain(config)}>`;
}

/** The outbox id back from a Message-ID we generated (null for foreign ids). */
export function outboxIdFromMessageId(messageId: string, config: Config): string | null {
  const m = /^<?([^@<>\s]+)@([^>\s]+)>?$/.exec(messageId.trim());
  return m && m[2].toLowerCase() === messageIdDomain(config).toLowerCase() ? m[1] : null;
}

/** VERP envelope sender "bounces+<id>@domain" when `email.bounceAddress` is set. */
export function verpAddress(id: string, config: Config): string | null {
  const bounce = config.email.bounceAddress;
  if (!bounce) return null;
  const at = bounce.lastIndexOf("@");
  return `${bounce.slice(0, at)}+${id}${bounce.slice(at)}`;
}

export interface EmailHealth {
  lastSuccessAt: string | null;
  lastError: { at: string; reason: string } | null;
  /** Connection-level failures in a row (server down, timeouts, auth). */
  consecutiveTransient: number;
}

export class EmailSender implements ChannelSender {
  readonly channel = "email" as const;
  readonly health: EmailHealth = { lastSuccessAt: null, lastError: null, consecutiveTransient: 0 };
  private readonly transport: Transporter;

  constructor(
    private readonly deps: EmailSenderDeps,
    target: SmtpTarget = deps.config.email,
  ) {
    const email = deps.config.email;
    const timeout = email.timeoutSeconds * 1000;
    this.transport = nodemailer.createTransport({
      pool: true,
      host: target.host,
      port: target.port,
      secure: email.secure,
      requireTLS: email.requireTLS,
      ignoreTLS: email.ignoreTLS,
      auth: email.user ? { user: email.user, pass: email.pass ?? "" } : undefined,
      maxConnections: email.pool,
      maxMessages: Number.POSITIVE_INFINITY,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      logger: false,
    });
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const { config, clock } = this.deps;
    const rendered = renderEmail(message, config.cooperative);
    const verp = verpAddress(message.id, config);
    try {
      const info = await this.transport.sendMail({
        messageId: messageIdFor(message.id, config),
        date: clock.now(),
        from: { name: config.cooperative.name, address: config.email.from },
        replyTo: config.email.replyTo,
        to: message.recipient,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        attachments: message.attachments?.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          path: a.path,
        })),
        headers: { "Auto-Submitted": "auto-generated" },
        ...(verp ? { envelope: { from: verp, to: message.recipient } } : {}),
      });
      this.health.lastSuccessAt = clock.now().toISOString();
      this.health.consecutiveTransient = 0;
      return { outcome: "sent", externalId: queueIdOf(info.response) };
    } catch (err) {
      const result = classifySmtpError(err as SmtpErrorLike);
      const reason = result.outcome === "sent" ? "" : result.reason;
      this.health.lastError = { at: clock.now().toISOString(), reason };
      if (result.outcome === "retry") this.health.consecutiveTransient++;
      this.deps.logger.warn({ messageId: message.id, outcome: result.outcome, reason }, "email not accepted");
      return result;
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** "250 2.0.0 Ok: queued as 4F2A1" → "4F2A1" (the server's queue id, for the office's trace). */
function queueIdOf(response: string | undefined): string | undefined {
  const m = /queued as ([A-Za-z0-9.-]+)/i.exec(response ?? "");
  return m?.[1];
}
