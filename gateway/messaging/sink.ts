/**
 * The development SMTP sink (`email.driver = "sink"`): a real SMTP server on 127.0.0.1 that
 * keeps what it receives so a newcomer sees the emails at /dev/mail (and the kiosk's end-to-end
 * tests read one-time codes from /dev/mail.json). STARTTLS is off: smtp-server's built-in
 * certificate has expired.
 */
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import { privateDir, writePrivateFile } from "../../db/privateFiles.ts";

export interface StoredMail {
  messageId: string;
  /** Envelope recipients, comma-separated plain addresses. */
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string | null;
  /** The Date header (ISO). */
  date: string;
  receivedAt: string;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
  /** The same Message-ID arrived before (an at-least-once repeat). */
  duplicate: boolean;
}

export interface MailSinkOptions {
  host?: string;
  /** Wanted port; when busy the sink takes a free one (see `port` after start). */
  port: number;
  /** Messages kept in memory (oldest dropped). */
  limit?: number;
  /** Also write each message as <n>.eml here. */
  dir?: string;
  onMail?: (mail: StoredMail) => void;
}

export class MailSink {
  private readonly mails: StoredMail[] = [];
  /** Message-ID → times received. */
  readonly seen = new Map<string, number>();
  private server: SMTPServer | undefined;
  private counter = 0;
  port = 0;

  constructor(private readonly options: MailSinkOptions) {}

  async start(): Promise<number> {
    const host = this.options.host ?? "127.0.0.1";
    this.server = new SMTPServer({
      disabledCommands: ["STARTTLS", "AUTH"],
      authOptional: true,
      logger: false,
      banner: "e-Korespondencja development mail sink",
      closeTimeout: 1000,
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      },
    });
    const server = this.server;
    server.on("error", () => {
      // client resets are routine for a sink; nothing to do
    });
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.server.once("error", onError);
        server.listen(port, host, () => {
          server.server.off("error", onError);
          resolve();
        });
      });
    try {
      await listen(this.options.port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      await listen(0);
    }
    this.port = (server.server.address() as AddressInfo).port;
    if (this.options.dir) privateDir(this.options.dir);
    return this.port;
  }

  /** Oldest first; the newest is the last element. */
  list(): StoredMail[] {
    return [...this.mails];
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw);
    const messageId = parsed.messageId ?? `<sink-${++this.counter}@localhost>`;
    const times = (this.seen.get(messageId) ?? 0) + 1;
    this.seen.set(messageId, times);
    const mail: StoredMail = {
      messageId,
      to: session.envelope.rcptTo.map((r) => r.address).join(", "),
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
      subject: parsed.subject ?? "",
      text: parsed.text ?? "",
      html: typeof parsed.html === "string" ? parsed.html : null,
      date: (parsed.date ?? new Date()).toISOString(),
      receivedAt: new Date().toISOString(),
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename ?? "",
        contentType: a.contentType,
        size: a.size,
      })),
      duplicate: times > 1,
    };
    this.mails.push(mail);
    if (this.mails.length > (this.options.limit ?? 1000)) this.mails.shift();
    if (this.options.dir) writePrivateFile(join(this.options.dir, `${Date.now()}-${++this.counter}.eml`), raw);
    this.options.onMail?.(mail);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
