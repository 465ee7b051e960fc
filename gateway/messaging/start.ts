/**
 * Starts the outbox workers with the email channel (SMTP, or the in-process sink in demo),
 * the bounce reader when an IMAP mailbox is configured, and the `smtp` health part.
 * The SMS bridge plugs into the same workers with `addSender(...)` (runtime.ts). Stopping stops
 * the bounce reader, then the workers, then the sink.
 */
import { join } from "node:path";
import { and, count, eq, inArray } from "drizzle-orm";
import { outbox } from "../../db/schema/index.ts";
import type { BaseContext } from "../context.ts";
import type { PartHealth } from "../health.ts";
import type { Part } from "../lifecycle.ts";
import { unreviewedBounceCount } from "../services/listBounces.ts";
import { BounceReader } from "./bounces.ts";
import { EmailSender } from "./email.ts";
import type { MailSink } from "./sink.ts";
import { OutboxWorker } from "./worker.ts";

export interface MessagingPart extends Part<OutboxWorker> {
  /** Demo mode's in-process SMTP sink (`email.driver: sink`); null with a real SMTP server. */
  mailSink: MailSink | null;
}

export async function startMessaging(ctx: BaseContext): Promise<MessagingPart> {
  const { config, logger } = ctx;
  const worker = new OutboxWorker(ctx, { onWriteFailure: (err) => ctx.disk.noteFailure(err) });
  let mailSink: MailSink | null = null;

  let target = { host: config.email.host, port: config.email.port };
  if (config.email.driver === "sink") {
    // Demo only: smtp-server is a development dependency, absent from a production install.
    const { MailSink } = await import("./sink.ts");
    const sink = new MailSink({ host: "127.0.0.1", port: config.email.port, dir: join(config.dataDir, "mail") });
    const port = await sink.start();
    mailSink = sink;
    target = { host: "127.0.0.1", port };
    if (port !== config.email.port)
      logger.warn({ wanted: config.email.port, port }, "mail sink port busy; using a free one");
    logger.info({ port }, "development mail sink listening (see /dev/mail)");
  }

  const sender = new EmailSender(ctx, target);
  worker.addSender(sender);
  worker.start();

  let bounces: BounceReader | null = null;
  if (config.email.imap) {
    bounces = new BounceReader({ ...ctx, poke: () => worker.poke() }, config.email.imap);
    bounces.start();
  }

  ctx.health.register("smtp", (): PartHealth => {
    const stats = worker.stats("email");
    const queued =
      ctx.db
        .select({ n: count() })
        .from(outbox)
        .where(and(eq(outbox.channel, "email"), inArray(outbox.status, ["pending", "sending"])))
        .get()?.n ?? 0;
    const failingInARow = sender.health.consecutiveTransient;
    return {
      status: failingInARow >= 3 ? "down" : failingInARow > 0 ? "degraded" : "ok",
      driver: config.email.driver,
      server: `${target.host}:${target.port}`,
      queued,
      sent: stats?.sent ?? 0,
      retried: stats?.retried ?? 0,
      failed: stats?.failed ?? 0,
      expiredToPaper: stats?.expired ?? 0,
      lastSuccessAt: sender.health.lastSuccessAt,
      lastError: sender.health.lastError,
      // Counted, never listed: the addresses are for the staff console only.
      ...(bounces ? { bounces: { ...bounces.status(), unclassified: unreviewedBounceCount(ctx) } } : {}),
    };
  });
  return {
    name: "messaging",
    service: worker,
    mailSink,
    async stop() {
      await bounces?.stop();
      // Before the sink; well inside the 10 s shutdown budget.
      await worker.stop(4_000);
      await mailSink?.stop();
    },
  };
}
