/**
 * Email bench: 2,000 messages to a local smtp-server sink through the outbox and the workers
 * (enqueue in one transaction → claim with leases → pooled nodemailer → group-committed status
 * and delivery records, synchronous=FULL) against raw nodemailer pooled `sendMail` of the same
 * rendered messages to the same sink with the same pool size, alternating in the same run.
 * Prints both rates and the ratio (target: ours ≥ 0.9 of raw).
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { openDb } from "../db/client.ts";
import { systemClock } from "../gateway/clock.ts";
import { validateConfig } from "../gateway/config.ts";
import { createLogger } from "../gateway/logger.ts";
import { EmailSender, messageIdFor } from "../gateway/messaging/email.ts";
import { enqueueMessages } from "../gateway/messaging/outbox.ts";
import { renderEmail } from "../gateway/messaging/templates/email.ts";
import { OutboxWorker } from "../gateway/messaging/worker.ts";
import { ConsentRegister } from "../gateway/services/register.ts";
import { benchMachine, ratioSummary } from "./machine.ts";

const machine = benchMachine("email");

const N = Number(process.env.BENCH_EMAILS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const POOL = 3;

let received = 0;
const sink = new SMTPServer({
  disabledCommands: ["STARTTLS", "AUTH"],
  authOptional: true,
  logger: false,
  closeTimeout: 200,
  onData(stream, _session, callback) {
    stream.resume();
    stream.on("end", () => {
      received++;
      callback();
    });
  },
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", () => resolve()));
const port = (sink.server.address() as AddressInfo).port;

const baseConfig = { logLevel: "silent", email: { driver: "smtp", host: "127.0.0.1", port, pool: POOL } };
const text = (i: number) =>
  `Dzień dobry,\n\nw załączeniu informacja o zmianie opłat nr ${i} od 1 kwietnia 2026 r.\nProsimy o zapoznanie się z treścią.`;

async function raw(round: number): Promise<number> {
  const config = validateConfig({ ...baseConfig, dataDir: "/tmp/unused" });
  const transport = nodemailer.createTransport({
    pool: true,
    host: "127.0.0.1",
    port,
    ignoreTLS: true,
    maxConnections: POOL,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: N }, (_, i) => {
      const rendered = renderEmail({ kind: "notice", subject: `Zmiana opłat ${i}`, text: text(i) }, config.cooperative);
      return transport.sendMail({
        messageId: messageIdFor(`raw-${round}-${i}`, config),
        date: new Date(),
        from: { name: config.cooperative.name, address: config.email.from },
        replyTo: config.email.replyTo,
        to: `lokator${i}@example.com`,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers: { "Auto-Submitted": "auto-generated" },
      });
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  transport.close();
  return N / seconds;
}

async function ours(round: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "ekor-bench-email-"));
  const config = validateConfig({ ...baseConfig, dataDir, outbox: { concurrency: { email: POOL * 4 } } });
  // opened as the gateway opens it (gateway/runtime.ts): WAL checkpoints on their own thread
  const database = openDb(join(dataDir, "gateway.sqlite"), { checkpointThread: true });
  const core = { db: database.db, clock: systemClock, config, logger: createLogger("silent") };
  const worker = new OutboxWorker({ ...core, register: new ConsentRegister(core) });
  const start = performance.now();
  // one office push: the whole burst committed in one transaction
  database.db.transaction((tx) =>
    enqueueMessages(
      tx,
      systemClock,
      Array.from({ length: N }, (_, i) => ({
        id: `ours-${round}-${i}`,
        channel: "email" as const,
        kind: "notice" as const,
        recipient: `lokator${i}@example.com`,
        subject: `Zmiana opłat ${i}`,
        text: text(i),
      })),
    ),
  );
  worker.addSender(new EmailSender(core));
  await worker.runUntilIdle();
  const seconds = (performance.now() - start) / 1000;
  const sent = database.sqlite.query("SELECT count(*) AS n FROM outbox WHERE status = 'sent'").get() as { n: number };
  if (sent.n !== N) throw new Error(`only ${sent.n} of ${N} recorded as sent`);
  await worker.stop();
  database.close();
  rmSync(dataDir, { recursive: true, force: true });
  return N / seconds;
}

const rates = { raw: [] as number[], ours: [] as number[] };
await raw(-1); // warm-up (JIT, first connections)
for (let round = 0; round < ROUNDS; round++) {
  rates.raw.push(await raw(round));
  rates.ours.push(await ours(round));
}
await new Promise<void>((resolve) => sink.close(() => resolve()));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Each round measures raw and ours back to back; on a shared machine the load moves between
// rounds, so the ratio is taken per round and the median of those is the result.
const ratios = rates.raw.map((r, i) => rates.ours[i] / r);
const fmt = (xs: number[], digits = 0) => xs.map((x) => x.toFixed(digits)).join(", ");
console.log(`email bench: ${N} messages × ${ROUNDS} rounds, pool ${POOL}, sink received ${received}`);
console.log(`  raw nodemailer pooled sendMail: ${median(rates.raw).toFixed(0)} msg/s (rounds: ${fmt(rates.raw)})`);
console.log(`  outbox + workers (sqlite FULL): ${median(rates.ours).toFixed(0)} msg/s (rounds: ${fmt(rates.ours)})`);
console.log(`  ratio ours/raw per round: ${fmt(ratios, 2)}`);
const summary = ratioSummary(ratios);
console.log(
  `  ratio ours/raw (median of rounds): ${summary.text} (target ≥ 0.90) ${summary.median >= 0.9 ? "met" : "MISSED"} ${machine.tag}`,
);
