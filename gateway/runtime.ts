/**
 * Builds the gateway from a validated config: database, register verification, demo data,
 * health probes, then the background parts (devices, workers; see lifecycle.ts), then the
 * context from their services. `stop()` undoes it in reverse.
 */

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { integrityCheck, openDb } from "../db/client.ts";
import { writePrivateFile } from "../db/privateFiles.ts";
import { owners } from "../db/schema/index.ts";
import { createApp, createOfficeApp } from "./app.ts";
import { type Clock, DemoClock, SteadyClock } from "./clock.ts";
import { startClockWatch } from "./clockWatch.ts";
import type { Config } from "./config.ts";
import type { BaseContext, GatewayContext } from "./context.ts";
import { demoOwnersRegister } from "./demo/ownersRegister.ts";
import { DiskWatch } from "./diskWatch.ts";
import { HashPool } from "./hashing.ts";
import { HealthRegistry } from "./health.ts";
import { startHousekeeping } from "./housekeeping.ts";
import { Lifecycle, type Stoppable } from "./lifecycle.ts";
import { createLogger, type Logger } from "./logger.ts";
import { startSms } from "./messaging/smsRuntime.ts";
import { startMessaging } from "./messaging/start.ts";
import { startOffice } from "./office/start.ts";
import { startReceipts } from "./receipts/startReceipts.ts";
import { RefusalMemo } from "./refusals.ts";
import { importOwners } from "./services/importOwners.ts";
import { KioskSessions } from "./services/kioskSessions.ts";
import { listOfficeAlerts } from "./services/listOfficeAlerts.ts";
import { ConsentRegister } from "./services/register.ts";
import { lastClockStep } from "./services/takeClockStep.ts";
import { loadOrCreateDeviceKey } from "./staff/deviceCookie.ts";
import { assertNoDemoLeftovers } from "./startup/demoLeftovers.ts";
import { TimeSync } from "./systemd/timeSync.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface Gateway {
  ctx: GatewayContext;
  /** The kiosk's listener (kiosk API, UI, health). */
  app: ReturnType<typeof createApp>;
  /** The office's listener (office API, staff console, health). */
  officeApp: ReturnType<typeof createOfficeApp>;
  /** Background parts started by the runtime, in start order (stopped in reverse). */
  parts: readonly Stoppable[];
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
}

export async function startGateway(config: Config, options: StartOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // Production time: the wall clock at the monotonic clock's pace, a step of it taken in by the
  // clock watch below (a Pi has no battery clock; NTP may step it by hours after the start).
  const steadyClock = options.clock
    ? undefined
    : new SteadyClock({ toleranceMs: config.clock.stepToleranceSeconds * 1000 });
  const baseClock = options.clock ?? (steadyClock as Clock);
  // The demo's clock can be moved forward (POST /dev/clock); production runs on the given clock.
  const demoClock = config.demo ? new DemoClock(baseClock) : null;
  const clock = demoClock ?? baseClock;
  // WAL checkpoints run on their own thread, not inside a commit on the event loop (db/checkpointThread.ts)
  const database = openDb(join(config.dataDir, "gateway.sqlite"), { checkpointThread: true });
  if (!config.demo) {
    try {
      assertNoDemoLeftovers(database.db);
    } catch (err) {
      database.close();
      throw err;
    }
  }
  const core = { db: database.db, clock, config, logger };
  const register = new ConsentRegister(core);
  const health = new HealthRegistry();
  // A Pi without a battery clock may run on a stale time until NTP answers (see systemd/timeSync.ts).
  const timeSync = new TimeSync();
  const base: BaseContext = {
    ...core,
    database,
    register,
    health,
    uiDir: join(ROOT, "kiosk-ui", "dist"),
    kioskSessions: new KioskSessions(clock),
    hashing: new HashPool(config.hashing, logger),
    refusals: new RefusalMemo(),
    staffDeviceKey: loadOrCreateDeviceKey(config.dataDir),
    demoClock,
    disk: new DiskWatch(config.dataDir, config.disk.minFreeMb * 1024 * 1024, () => clock.now()),
    clockSynchronized: () => timeSync.synchronized,
  };

  // Every part starts with what it needs; the context is built from their services afterwards.
  const lifecycle = new Lifecycle(logger);
  lifecycle.add({ name: "hashing", stop: () => base.hashing.close() });
  let ctx: GatewayContext;
  try {
    const chain = register.verify();
    logger.info({ chain }, chain.ok ? "register chain verified" : "register chain BROKEN");
    registerHealth(base, timeSync);
    void timeSync.check(); // learn the answer before the first enrolment, not only on /healthz

    if (config.demo && database.db.select({ id: owners.id }).from(owners).limit(1).all().length === 0) {
      loadDemoRegister(base);
    }

    if (steadyClock) lifecycle.add(startClockWatch(base, steadyClock, base.kioskSessions));
    lifecycle.add(startHousekeeping(base));
    lifecycle.add(startOffice(base));
    const receipts = lifecycle.add(await startReceipts(base));
    const messaging = lifecycle.add(await startMessaging(base));
    const outbox = messaging.service;
    const sms = lifecycle.add(await startSms({ ...base, poke: () => outbox.poke() })).service;
    outbox.addSender(sms.sender, { concurrency: config.outbox.concurrency.sms, perMinute: config.sms.perMinute });
    ctx = {
      ...base,
      receipts: receipts.service,
      printerSimulator: receipts.virtualPrinter,
      outbox,
      mailSink: messaging.mailSink,
      sms,
    };
  } catch (err) {
    // Nothing half-started stays behind: the parts already running stop, the database closes.
    await lifecycle.stop();
    database.close();
    throw err;
  }
  const app = createApp(ctx);
  const officeApp = createOfficeApp(ctx);
  let stopped = false;
  return {
    ctx,
    app,
    officeApp,
    parts: lifecycle.parts,
    async stop() {
      if (stopped) return;
      stopped = true;
      await lifecycle.stop();
      database.close();
      logger.info("gateway stopped");
    },
  };
}

function registerHealth(ctx: BaseContext, timeSync: TimeSync): void {
  const { database, register, health } = ctx;
  health.register("db", () => {
    const started = performance.now();
    database.sqlite.query("SELECT 1").get();
    return { status: "ok", latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  });
  health.register("disk", () => ctx.disk.check());
  health.register("register", () =>
    register.status.ok
      ? {
          status: "ok",
          events: register.status.events,
          headSeq: register.status.headSeq,
          acknowledgedBreaks: register.status.acknowledgedBreaks,
        }
      : {
          status: "down",
          firstBadSeq: register.status.firstBadSeq,
          kind: register.status.kind,
          action: "run `npm run register -- verify` and, after investigating, `npm run register -- acknowledge`",
        },
  );
  health.register("alerts", () => {
    const last24h = listOfficeAlerts(ctx, { hours: 24 }).length;
    return last24h > 0
      ? { status: "degraded", last24h, action: "see the alerts in the staff console (/office/)" }
      : { status: "ok", last24h };
  });
  health.register("clock", async () => {
    const state = await timeSync.check();
    const lastStep = lastClockStep(ctx);
    return state.synchronized
      ? { status: "ok", source: state.source, lastStep }
      : {
          status: "degraded",
          source: state.source,
          lastStep,
          action: "check the network and systemd-timesyncd (timedatectl)",
        };
  });
}

function loadDemoRegister(ctx: BaseContext): void {
  const demo = demoOwnersRegister();
  importOwners(ctx, demo);
  const lines = [
    "# Demo owners register: flat, owners' surnames, verification code (last 6 digits of the flat's bank account)",
    ...demo.codes.map(
      (c) => `${c.flatCode.padEnd(12)} ${c.label.padEnd(32)} ${c.surnames.join(" / ").padEnd(34)} ${c.code}`,
    ),
  ];
  writePrivateFile(join(ctx.config.dataDir, "demo-owners.txt"), `${lines.join("\n")}\n`);
  ctx.logger.info(
    { flats: demo.flats.length, owners: demo.owners.length },
    "demo owners register loaded (see var/demo-owners.txt)",
  );
}

export { integrityCheck };
