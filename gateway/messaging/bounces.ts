/**
 * Reads asynchronous bounces (RFC 3464 DSNs) from the configured IMAP mailbox, matches each to
 * our message by its Message-ID (or the VERP envelope address) and records the outcome.
 * Processed reports are flagged \Seen; re-reading one changes nothing (recordDelivery is idempotent).
 */
import { ImapFlow } from "imapflow";
import type { Config } from "../config.ts";
import { KioskError } from "../errors.ts";
import { type RecordDeliveryDeps, recordDelivery } from "../services/recordDelivery.ts";
import { dsnVerdict, parseDsn } from "./dsn.ts";
import { outboxIdFromMessageId } from "./email.ts";

export type ImapConfig = NonNullable<Config["email"]["imap"]>;

export interface BouncePoll {
  /** Unseen messages looked at. */
  read: number;
  /** Reports applied to one of our messages. */
  applied: number;
  /** Not a DSN, not ours, or nothing to change. */
  ignored: number;
}

/** The outbox id a report is about: our Message-ID first, then a VERP "bounces+<id>@" address. */
export function reportedOutboxId(
  dsn: { originalMessageId: string | null; reportRecipients: string[] },
  config: Config,
): string | null {
  const byMessageId = dsn.originalMessageId ? outboxIdFromMessageId(dsn.originalMessageId, config) : null;
  if (byMessageId) return byMessageId;
  const bounce = config.email.bounceAddress;
  if (!bounce) return null;
  const at = bounce.lastIndexOf("@");
  const local = bounce.slice(0, at).toLowerCase();
  const domain = bounce.slice(at + 1).toLowerCase();
  for (const address of dsn.reportRecipients) {
    const m = /^([^+@]+)\+([^@]+)@(.+)$/.exec(address);
    if (m && m[1].toLowerCase() === local && m[3].toLowerCase() === domain) return m[2];
  }
  return null;
}

export class BounceReader {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<BouncePoll> | null = null;
  private last: { at: string | null; error: string | null; applied: number } = { at: null, error: null, applied: 0 };

  constructor(
    private readonly deps: RecordDeliveryDeps,
    private readonly imap: ImapConfig,
  ) {}

  start(): void {
    const tick = () => {
      this.poll().catch(() => {
        // recorded in status(); the next tick tries again
      });
    };
    this.timer = setInterval(tick, this.imap.pollSeconds * 1000);
    tick();
  }

  status() {
    return { lastPollAt: this.last.at, lastError: this.last.error, applied: this.last.applied };
  }

  /** One pass over the unseen messages (concurrent calls share the pass). */
  poll(): Promise<BouncePoll> {
    this.running ??= this.pollOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pollOnce(): Promise<BouncePoll> {
    const result: BouncePoll = { read: 0, applied: 0, ignored: 0 };
    const client = new ImapFlow({
      host: this.imap.host,
      port: this.imap.port,
      secure: this.imap.secure,
      auth: { user: this.imap.user, pass: this.imap.pass },
      logger: false,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    client.on("error", () => {
      // a dropped connection rejects the pending command; handled there
    });
    try {
      await client.connect();
      const lock = await client.getMailboxLock(this.imap.mailbox);
      try {
        const messages: Array<{ uid: number; source: Buffer }> = [];
        for await (const msg of client.fetch({ seen: false }, { uid: true, source: true }, { uid: true })) {
          if (msg.source) messages.push({ uid: msg.uid, source: msg.source });
        }
        for (const msg of messages) {
          result.read++;
          if (this.apply(msg.source)) result.applied++;
          else result.ignored++;
        }
        if (messages.length > 0) {
          await client.messageFlagsAdd(messages.map((m) => m.uid).join(","), ["\\Seen"], { uid: true });
        }
      } finally {
        lock.release();
      }
      await client.logout();
      this.last = { at: this.deps.clock.now().toISOString(), error: null, applied: this.last.applied + result.applied };
      if (result.read > 0) this.deps.logger.info({ ...result }, "bounce mailbox read");
      return result;
    } catch (err) {
      this.last = { ...this.last, at: this.deps.clock.now().toISOString(), error: (err as Error).message };
      this.deps.logger.warn({ err }, "bounce mailbox not readable");
      client.close();
      throw err;
    }
  }

  private apply(source: Buffer): boolean {
    const dsn = parseDsn(source);
    if (!dsn) return false;
    const id = reportedOutboxId(dsn, this.deps.config);
    const verdict = dsnVerdict(dsn);
    if (!id || !verdict) return false;
    try {
      const change =
        verdict.status === "failed"
          ? { messageId: id, status: "failed" as const, reason: verdict.reason, contactFailing: verdict.contactFailing }
          : { messageId: id, status: "delivered" as const, reason: verdict.reason };
      return recordDelivery(this.deps, change).recorded;
    } catch (err) {
      if (err instanceof KioskError && err.code === "NOT_FOUND") return false;
      throw err;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
