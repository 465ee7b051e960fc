/**
 * Reads bounces from the configured IMAP mailbox, classifies each with the one classifier
 * (messaging/bounce/classify.ts, shared with `npm run bounce -- classify`) and records it
 * (services/recordBounce.ts). Processed messages are flagged \Seen; re-reading one changes
 * nothing (recordDelivery is idempotent). Nothing a mailer daemon sent is dropped unseen: a
 * bounce we cannot read is kept for staff and counted in /healthz.
 */
import { ImapFlow } from "imapflow";
import type { Config } from "../config.ts";
import { recordBounce } from "../services/recordBounce.ts";
import type { RecordDeliveryDeps } from "../services/recordDelivery.ts";
import { classifyBounce } from "./bounce/classify.ts";

export type ImapConfig = NonNullable<Config["email"]["imap"]>;

export interface BouncePoll {
  /** Unseen messages looked at. */
  read: number;
  /** Bounces that changed one of our messages. */
  applied: number;
  /** Bounces kept without a change (temporary, not ours, repeats, unclassified). */
  kept: number;
  /** Not a bounce at all (replies, out-of-office notes). */
  ignored: number;
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
    const result: BouncePoll = { read: 0, applied: 0, kept: 0, ignored: 0 };
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
          const outcome = await this.apply(msg.source);
          result[outcome]++;
          // Flag each one as soon as it is recorded: a crash later in the pass does not re-read it.
          await client.messageFlagsAdd(String(msg.uid), ["\\Seen"], { uid: true });
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

  private async apply(source: Buffer): Promise<"applied" | "kept" | "ignored"> {
    const report = await classifyBounce(source);
    if (report.kind === "not_a_bounce") return "ignored";
    const outcome = recordBounce(this.deps, report, source.toString("utf8"));
    return outcome.applied ? "applied" : "kept";
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
