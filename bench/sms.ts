/**
 * SMS bench against a real gammu-smsd (dummy driver: a directory plays the modem).
 *
 * 1. Per message, enqueue → `gammu-smsd-inject` done, through the project's path (outbox row,
 *    outbox worker claim, SMS sender: encoding policy, idempotency check and tag, inject, tracking
 *    row), vs calling `gammu-smsd-inject` directly with the same arguments, interleaved in the
 *    same run. Target: p50 ratio ≤ 1.2.
 * 2. Codes: enqueue → in gammu's outbox, with 500 bulk messages queued ahead (a one-part code is
 *    written straight into gammu's outbox table, not through the inject). Target: a code's
 *    p95 ≤ 1 s, or ≤ 1.2 × the p95 of a lone direct inject measured in the same run (the direct
 *    injects of part 1, taken with no bulk traffic, interleaved with ours). The bench prints that
 *    ratio and the verdict, and also a direct inject measured while the bulk is being injected.
 *
 * Run: `npx bun bench/sms.ts` (BENCH_SMS_N sets the number of messages per side, default 100).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { openDb } from "../db/client.ts";
import { GammuModem } from "../drivers/modem/gammuModem.ts";
import { injectArgs } from "../drivers/modem/inject.ts";
import { systemClock } from "../gateway/clock.ts";
import { validateConfig } from "../gateway/config.ts";
import { createLogger } from "../gateway/logger.ts";
import { enqueueMessage } from "../gateway/messaging/outbox.ts";
import { SmsSender } from "../gateway/messaging/smsSender.ts";
import type { ChannelSender, OutgoingMessage, SendResult } from "../gateway/messaging/types.ts";
import { OutboxWorker } from "../gateway/messaging/worker.ts";
import { ConsentRegister } from "../gateway/services/register.ts";
import { benchMachine, loadLine } from "./machine.ts";

const machine = benchMachine("sms");

const N = Number(process.env.BENCH_SMS_N ?? 100);
const BULK = 500;
const CODES = 20;

const dir = mkdtempSync(join(tmpdir(), "ekor-bench-sms-"));
const config = validateConfig({
  dataDir: dir,
  logLevel: "silent",
  sms: { driver: "gammu", quietHours: { start: "00:00", end: "00:00" } },
  outbox: { pollMs: 1000, concurrency: { sms: 2 } },
});
const logger = createLogger("silent");
const database = openDb(join(dir, "gateway.sqlite"));
const deps = { db: database.db, clock: systemClock, config, logger };
const register = new ConsentRegister(deps);
const modem = new GammuModem({
  stateDir: join(dir, "gammu"),
  device: join(dir, "modem"),
  connection: "at",
  model: "dummy",
  timings: { commTimeout: 1, loopSleep: 0, receiveFrequency: 5, statusFrequency: 5 },
});

/** Notes when each message's hand-over to gammu finished. */
class Timed implements ChannelSender {
  readonly channel = "sms" as const;
  readonly doneAt = new Map<string, number>();
  private waiters = new Map<string, () => void>();
  constructor(private readonly inner: ChannelSender) {}
  async send(m: OutgoingMessage): Promise<SendResult> {
    const result = await this.inner.send(m);
    this.doneAt.set(m.id, performance.now());
    this.waiters.get(m.id)?.();
    return result;
  }
  done(id: string): Promise<void> {
    if (this.doneAt.has(id)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }
  close() {
    return this.inner.close();
  }
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const number = (i: number) => `+48601${String(i).padStart(6, "0")}`;
const text = (i: number) => `SM Nasz Dom: przypominamy o oplacie za lokal, wiadomosc nr ${i}.`;

await modem.start();
for (let i = 0; i < 100 && modem.supervisor.state !== "running"; i++) await Bun.sleep(50);
const timed = new Timed(new SmsSender(deps, modem));
const worker = new OutboxWorker({ ...deps, register });
worker.addSender(timed, { concurrency: 2, perMinute: 0 });
worker.start();

// Warm-up (first inject pays for loading libgammu and the DBI driver).
for (let i = 0; i < 5; i++) {
  await execa(
    "gammu-smsd-inject",
    injectArgs({ smsdrc: modem.smsdrc, to: number(900_000 + i), text: text(i), unicode: false, report: true }),
    { env: { TZ: "UTC" } },
  );
}

const ours: number[] = [];
const direct: number[] = [];
for (let i = 0; i < N; i++) {
  // Interleaved: one message through the project's path, one direct inject.
  const started = performance.now();
  const id = enqueueMessage(database.db, systemClock, {
    channel: "sms",
    kind: "reminder",
    recipient: number(i),
    text: text(i),
  });
  worker.poke();
  await timed.done(id);
  ours.push((timed.doneAt.get(id) ?? performance.now()) - started);

  const t0 = performance.now();
  await execa(
    "gammu-smsd-inject",
    injectArgs({ smsdrc: modem.smsdrc, to: number(500_000 + i), text: text(i), unicode: false, report: true }),
    { env: { TZ: "UTC" } },
  );
  direct.push(performance.now() - t0);
}

console.log(`SMS bench (gammu-smsd ${modem.supervisor.state}, dummy modem), ${N} messages per side`);
console.log(`  enqueue → inject done (ours):   p50 ${fmt(pct(ours, 50))}  p95 ${fmt(pct(ours, 95))}`);
console.log(`  gammu-smsd-inject directly:      p50 ${fmt(pct(direct, 50))}  p95 ${fmt(pct(direct, 95))}`);
const ratio50 = pct(ours, 50) / pct(direct, 50);
const ratio95 = pct(ours, 95) / pct(direct, 95);
console.log(
  `  overhead ratio: p50 ${ratio50.toFixed(2)}x, p95 ${ratio95.toFixed(2)}x (target p50 ≤ 1.2x) ${ratio50 <= 1.2 ? "OK" : "OVER"} ${machine.tag}`,
);

// Codes behind 500 bulk letters.
const bulkIds: string[] = [];
database.db.transaction((tx) => {
  for (let i = 0; i < BULK; i++) {
    bulkIds.push(
      enqueueMessage(tx, systemClock, {
        channel: "sms",
        kind: "correspondence",
        recipient: number(100_000 + i),
        text: text(i),
      }),
    );
  }
});
worker.poke();
const codeLatency: number[] = [];
const injectDuringBulk: number[] = [];
for (let i = 0; i < CODES; i++) {
  await Bun.sleep(40);
  const started = performance.now();
  const id = enqueueMessage(database.db, systemClock, {
    channel: "sms",
    kind: "otp",
    recipient: number(200_000 + i),
    text: `Kod weryfikacyjny SM Nasz Dom: ${String(100_000 + i)}. Ważny 5 min.`,
  });
  worker.poke();
  await timed.done(id);
  codeLatency.push((timed.doneAt.get(id) ?? performance.now()) - started);
  // Reference under the same load: one direct inject.
  const t0 = performance.now();
  await execa(
    "gammu-smsd-inject",
    injectArgs({ smsdrc: modem.smsdrc, to: number(300_000 + i), text: text(i), unicode: false, report: true }),
    { env: { TZ: "UTC" } },
  );
  injectDuringBulk.push(performance.now() - t0);
}
const bulkDone = bulkIds.filter((id) => timed.doneAt.has(id)).length;
console.log(`Codes with ${BULK} bulk messages queued ahead (${bulkDone} of them injected meanwhile), ${loadLine()}:`);
console.log(
  `  enqueue → in gammu's outbox: p50 ${fmt(pct(codeLatency, 50))}  p95 ${fmt(pct(codeLatency, 95))}  max ${fmt(Math.max(...codeLatency))} (target p95 ≤ 1000 ms) ${pct(codeLatency, 95) <= 1000 ? "OK" : "OVER"} ${machine.tag}`,
);

const codeP95 = pct(codeLatency, 95);
const loneP95 = pct(direct, 95);
const vsLone = codeP95 / loneP95;
console.log(
  `  a lone direct gammu-smsd-inject (part 1, same run, no bulk): p95 ${fmt(loneP95)}; code p95 = ${vsLone.toFixed(2)} × it`,
);
console.log(
  `  criterion (code p95 ≤ 1000 ms, or ≤ 1.2 × a lone direct inject's p95): ${codeP95 <= 1000 || vsLone <= 1.2 ? "OK" : "OVER"} ${machine.tag}`,
);
console.log(
  `  a direct gammu-smsd-inject meanwhile: p50 ${fmt(pct(injectDuringBulk, 50))}  p95 ${fmt(pct(injectDuringBulk, 95))}; code p95 = ${(pct(codeLatency, 95) / pct(injectDuringBulk, 50)).toFixed(1)} × a direct inject (a code waits for at most one bulk inject in flight)`,
);

await worker.stop(2000);
await modem.stop();
database.close();
rmSync(dir, { recursive: true, force: true });
