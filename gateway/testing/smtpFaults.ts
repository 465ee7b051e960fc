/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that misbehaves on request, for the email
 * channel's tests: the recipient's local part picks the reply ("r550@…" → 550 at RCPT,
 * "d452@…" → 452 after DATA, "drop@…" → connection dropped mid-DATA, "stall@…" → no answer),
 * and `mode = "421"` answers every new connection with 421.
 */
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  messageId: string;
  to: string[];
  mailFrom: string;
  raw: string;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

const REPLIES: Record<string, [number, string]> = {
  "450": [450, "4.2.1 Mailbox busy, try later"],
  "451": [451, "4.3.0 Local error in processing"],
  "452": [452, "4.2.2 Mailbox full"],
  "550": [550, "5.1.1 No such user here"],
  "552": [552, "5.2.2 Mailbox full, message rejected"],
  "553": [553, "5.1.3 Mailbox name not allowed"],
  "554": [554, "5.7.1 Rejected by policy"],
};

export class FaultySmtp {
  readonly received: ReceivedMail[] = [];
  mode: "normal" | "421" = "normal";
  /** Connections accepted (incl. refused with 421). */
  connections = 0;
  port = 0;
  private readonly server: SMTPServer;

  constructor() {
    const server = new SMTPServer({
      disabledCommands: ["STARTTLS", "AUTH"],
      authOptional: true,
      logger: false,
      closeTimeout: 200,
      onConnect: (_session, callback) => {
        this.connections++;
        if (this.mode === "421") return callback(smtpError(421, "4.3.2 Service not available, closing channel"));
        callback();
      },
      onRcptTo: (address, _session, callback) => {
        const m = /^r(\d{3})@/.exec(address.address);
        if (m && REPLIES[m[1]]) return callback(smtpError(...REPLIES[m[1]]));
        callback();
      },
      onData: (stream, session, callback) => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (to.some((a) => a.startsWith("drop@"))) {
          stream.once("data", () => {
            const conn = [
              ...(server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections,
            ].find((c) => c.id === session.id);
            conn?._socket.destroy();
          });
          stream.resume();
          return;
        }
        if (to.some((a) => a.startsWith("stall@"))) {
          stream.resume();
          return; // never answers: the client's socket timeout must fire
        }
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", async () => {
          const d = to.map((a) => /^d(\d{3})@/.exec(a)?.[1]).find((c) => c && REPLIES[c]);
          if (d) return callback(smtpError(...REPLIES[d]));
          const raw = Buffer.concat(chunks).toString("utf8");
          const parsed = await simpleParser(raw);
          this.received.push({
            messageId: parsed.messageId ?? "",
            to,
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            raw,
          });
          callback(null, "2.0.0 Ok: queued as T1");
        });
      },
    });
    server.on("error", () => {
      // dropped sockets are the point of some tests
    });
    this.server = server;
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
