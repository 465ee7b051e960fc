/**
 * The gammu-smsd bridge: writes `smsdrc`, supervises the daemon, injects with
 * `gammu-smsd-inject` (never twice for one id) and follows messages through gammu's database.
 */
import { basename, dirname, join } from "node:path";
import { makePrivate, privateDir, writePrivateFile } from "../../db/privateFiles.ts";
import { ensureGammuDb, GammuDb, gammuTime, type SentPart } from "./gammuDb.ts";
import { inject } from "./inject.ts";
import { type PowerKeyOptions, powerOnIfSilent } from "./powerKey.ts";
import { renderSmsdrc, type SmsdrcOptions } from "./smsdrc.ts";
import { type DaemonState, GammuSupervisor } from "./supervisor.ts";
import type {
  Acceptance,
  IncomingSms,
  ModemHealth,
  ModemMessageStatus,
  SmsModem,
  SubmitRequest,
  SubmitResult,
} from "./types.ts";

/** File in the state directory that asks the root helper for a USB reset of the modem. */
export const USB_RESET_REQUEST = "usb-reset.request";

export interface GammuModemOptions {
  /** Directory for smsdrc, gammu's database, pid file and the refused-PIN marker. */
  stateDir: string;
  /** Where to write smsdrc (default `<stateDir>/smsdrc`). */
  smsdrcFile?: string;
  /** gammu's SQLite database (default `<stateDir>/smsd.sqlite`). */
  dbFile?: string;
  device: string;
  connection: string;
  model?: string;
  pin?: string;
  phoneId?: string;
  smsdBin?: string;
  injectBin?: string;
  /** Tuning passed into smsdrc (tests use short intervals). */
  timings?: Pick<SmsdrcOptions, "commTimeout" | "loopSleep" | "receiveFrequency" | "statusFrequency" | "sendTimeout">;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** SMSC for SIMs without a service-centre number (`SMSC` in smsdrc); unset: the SIM's. */
  smsc?: string;
  /** The gateway's clock (heartbeat age, health). */
  now?: () => Date;
  /** gammu-smsd running but its phones-table heartbeat older than this: restarted (0: never). */
  heartbeatStaleMs?: number;
  /** After this many heartbeat restarts in a row, ask for a USB reset first (0: never). */
  usbResetAfterRestarts?: number;
  /** A HAT powered on by pulsing its PWRKEY from a GPIO pin, when it does not answer AT at start. */
  powerKey?: Pick<PowerKeyOptions, "gpio" | "pulseMs" | "bootMs" | "pinctrl">;
  /** Asks the root helper to reset the modem's USB device (deploy/bin/e-korespondencja-usb-reset). */
  resetUsb?: () => Promise<void>;
  onLog?: (line: string) => void;
  onDaemonState?: (state: DaemonState, detail: Record<string, unknown>) => void;
}

/** Folds gammu's per-part rows into one state for the whole (multipart) message. */
export function messageState(parts: SentPart[], queued: boolean): ModemMessageStatus {
  if (parts.length === 0) return queued ? { state: "queued" } : { state: "unknown" };
  const statuses = parts.map((p) => p.status);
  const at =
    parts
      .map((p) => gammuTime(p.deliveryDateTime) ?? gammuTime(p.sendingDateTime))
      .sort()
      .pop() ?? null;
  if (statuses.some((s) => s === "SendingError" || s === "Error")) return { state: "failed", reason: "send_error", at };
  if (statuses.includes("DeliveryFailed")) return { state: "failed", reason: "delivery_failed", at };
  if (queued) return { state: "queued", at };
  if (statuses.every((s) => s === "DeliveryOK")) return { state: "delivered", at };
  if (statuses.includes("DeliveryPending")) return { state: "pending", at };
  return { state: "sent", at };
}

export class GammuModem implements SmsModem {
  readonly kind = "gammu" as const;
  readonly smsdrc: string;
  readonly dbFile: string;
  readonly supervisor: GammuSupervisor;
  private db: GammuDb | null = null;
  private readonly phoneId: string;
  private readonly inFlight = new Map<string, Promise<SubmitResult>>();
  private readonly now: () => Date;
  /** When (gateway clock) the daemon last came up: a fresh daemon has no heartbeat yet. */
  private runningSince: Date | null = null;
  private staleRestartsInRow = 0;
  private usbResets = 0;
  private watch: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly o: GammuModemOptions) {
    privateDir(o.stateDir);
    this.phoneId = o.phoneId ?? "ekor";
    this.now = o.now ?? (() => new Date());
    this.smsdrc = o.smsdrcFile ?? join(o.stateDir, "smsdrc");
    this.dbFile = o.dbFile ?? join(o.stateDir, "smsd.sqlite");
    this.supervisor = new GammuSupervisor({
      bin: o.smsdBin ?? "gammu-smsd",
      smsdrc: this.smsdrc,
      pidFile: join(o.stateDir, "gammu-smsd.pid"),
      pinRefusedFile: join(o.stateDir, "pin-refused"),
      pin: o.pin,
      backoffBaseMs: o.backoffBaseMs,
      backoffMaxMs: o.backoffMaxMs,
      onLog: o.onLog,
      onState: (state, detail) => {
        this.runningSince = state === "running" ? this.now() : null;
        o.onDaemonState?.(state, detail);
      },
      beforeStart: () => {
        const { settled, released } = this.db?.beforeDaemonStart() ?? { settled: 0, released: 0 };
        if (settled > 0) o.onLog?.(`removed ${settled} already sent message(s) a killed gammu-smsd left in its outbox`);
        if (released > 0) o.onLog?.(`released ${released} message(s) reserved by a killed gammu-smsd`);
      },
    });
  }

  private gammu(): GammuDb {
    if (!this.db) throw new Error("gammu modem not started");
    return this.db;
  }

  async start(): Promise<void> {
    if (this.o.model === "dummy") privateDir(this.o.device);
    privateDir(dirname(this.smsdrc));
    privateDir(dirname(this.dbFile));
    writePrivateFile(
      this.smsdrc,
      renderSmsdrc({
        device: this.o.device,
        connection: this.o.connection,
        model: this.o.model,
        pin: this.o.pin,
        dbDir: dirname(this.dbFile),
        dbFile: basename(this.dbFile),
        phoneId: this.phoneId,
        logFile: "stderr",
        deliveryReports: true,
        smsc: this.o.smsc,
        ...this.o.timings,
      }),
    );
    ensureGammuDb(this.dbFile);
    makePrivate(this.dbFile, `${this.dbFile}-wal`, `${this.dbFile}-shm`);
    this.db = new GammuDb(this.dbFile);
    this.db.prunePendingTags(600);
    if (this.o.powerKey && this.o.model !== "dummy") {
      const outcome = await powerOnIfSilent({ ...this.o.powerKey, device: this.o.device, onLog: this.o.onLog }).catch(
        (err: Error) => `failed: ${err.message}`,
      );
      this.o.onLog?.(`power key on GPIO ${this.o.powerKey.gpio}: ${outcome}`);
    }
    this.supervisor.start();
    const staleMs = this.o.heartbeatStaleMs ?? 0;
    if (staleMs > 0) {
      this.watch = setInterval(() => void this.checkHeartbeat(), Math.min(Math.max(staleMs / 4, 1000), 30_000));
      this.watch.unref?.();
    }
  }

  /** Age of gammu-smsd's heartbeat (phones.TimeOut, pushed ahead while it loops), by our clock. */
  private heartbeatAgeMs(): number | null {
    const phone = this.db?.phone(this.phoneId) ?? null;
    const at = phone ? gammuTime(phone.timeOut) : null;
    return at === null ? null : Math.max(0, this.now().getTime() - Date.parse(at));
  }

  /**
   * A daemon that runs but whose heartbeat stopped (gammu/gammu#687, #536: alive, sending
   * nothing) is restarted; after `usbResetAfterRestarts` such restarts in a row the modem's USB
   * device is reset first. Returns what it did.
   */
  async checkHeartbeat(): Promise<"fresh" | "starting" | "restarted" | "off"> {
    const staleMs = this.o.heartbeatStaleMs ?? 0;
    if (staleMs <= 0) return "off";
    if (this.supervisor.state !== "running" || !this.runningSince) return "starting";
    const up = this.now().getTime() - this.runningSince.getTime();
    const age = this.heartbeatAgeMs();
    // gammu writes TimeOut 10 s ahead of its clock, so a fresh heartbeat reads as age 0.
    if ((age !== null && age <= staleMs) || up <= staleMs) {
      if (age !== null && age <= staleMs) this.staleRestartsInRow = 0;
      return "fresh";
    }
    this.staleRestartsInRow++;
    const resetAfter = this.o.usbResetAfterRestarts ?? 0;
    if (this.o.resetUsb && resetAfter > 0 && this.staleRestartsInRow > resetAfter) {
      this.usbResets++;
      this.staleRestartsInRow = 0;
      await this.o.resetUsb().catch((err) => this.o.onLog?.(`USB reset request failed: ${(err as Error).message}`));
    }
    this.runningSince = null;
    this.supervisor.restart(
      age === null ? "no heartbeat in gammu's phones table" : `heartbeat ${Math.round(age / 1000)} s old`,
    );
    return "restarted";
  }

  async stop(): Promise<void> {
    // Well inside the gateway's 10 s shutdown budget; gammu-smsd stops in well under a second.
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
    await this.supervisor.stop(3000);
    await Promise.allSettled([...this.inFlight.values()]);
    this.db?.close();
    this.db = null;
  }

  accepting(): Acceptance {
    return this.supervisor.state === "pin_refused"
      ? { ok: false, reason: "gammu-smsd stopped: the SIM refused the PIN (fix sms.pin)" }
      : { ok: true };
  }

  submit(req: SubmitRequest): Promise<SubmitResult> {
    // One injection per id at a time; a second caller waits for the first's answer.
    const running = this.inFlight.get(req.id);
    if (running) return running.then((r) => ({ ...r, reused: true }));
    const promise = this.injectOnce(req).finally(() => this.inFlight.delete(req.id));
    this.inFlight.set(req.id, promise);
    return promise;
  }

  private async injectOnce(req: SubmitRequest): Promise<SubmitResult> {
    const db = this.gammu();
    const existing = db.findByCreator(req.id);
    if (existing) {
      db.removePendingTag(req.id);
      return { externalId: String(existing.id), reused: true };
    }
    if (req.urgent && req.parts === 1) {
      // A code a resident waits for: straight into gammu's outbox, never behind gammu's 1 s sleep
      // on a busy database (gammuDb insertOnePart). Long and bulk texts go through the inject,
      // which splits and encodes multipart messages.
      return { externalId: String(db.insertOnePart({ ...req, tag: req.id, senderId: this.phoneId })), reused: false };
    }
    db.addPendingTag(req.id, req.to, req.text);
    let id: number;
    try {
      id = await inject({
        bin: this.o.injectBin ?? "gammu-smsd-inject",
        smsdrc: this.smsdrc,
        to: req.to,
        text: req.text,
        unicode: req.unicode,
        report: req.report,
      });
    } catch (err) {
      db.removePendingTag(req.id);
      throw err;
    }
    db.finishInject(id, req.id);
    return { externalId: String(id), reused: false };
  }

  async statusOf(externalIds: string[]): Promise<Map<string, ModemMessageStatus>> {
    const db = this.gammu();
    const ids = externalIds.map(Number).filter(Number.isInteger);
    const queued = db.inOutbox(ids);
    const parts = db.sentParts(ids);
    const out = new Map<string, ModemMessageStatus>();
    for (const id of ids) {
      out.set(
        String(id),
        messageState(
          parts.filter((p) => p.id === id),
          queued.has(id),
        ),
      );
    }
    return out;
  }

  async readIncoming(limit: number): Promise<IncomingSms[]> {
    return this.gammu()
      .unprocessedInbox(limit)
      .map((row) => ({
        key: `gammu:${row.id}`,
        from: row.sender,
        text: row.text,
        receivedAt: gammuTime(row.receivedAt) ?? new Date().toISOString(),
      }));
  }

  async ackIncoming(key: string): Promise<void> {
    const id = Number(key.replace(/^gammu:/, ""));
    if (Number.isInteger(id)) this.gammu().markProcessed(id);
  }

  async health(): Promise<ModemHealth> {
    const daemon = this.supervisor.status();
    const state = this.supervisor.state;
    const phone = this.db?.phone(this.phoneId) ?? null;
    const age = this.heartbeatAgeMs();
    const alive = age !== null && age < 60_000;
    const network = phone?.netCode && phone.netCode !== "ERROR" ? phone.netName || phone.netCode : null;
    const base = {
      driver: "gammu",
      ...daemon,
      signalPercent: phone && phone.signal >= 0 ? phone.signal : null,
      network,
      sim: state === "pin_refused" ? "pin_refused" : phone?.imsi ? "ready" : "unknown",
      waitingInGammuOutbox: this.db?.outboxCount() ?? null,
      sent: phone?.sent ?? null,
      received: phone?.received ?? null,
      heartbeatAgeSeconds: age === null ? null : Math.round(age / 1000),
      // The operator's service centre, not personal data: configured, or the SIM's own.
      smsc: this.o.smsc ? { number: this.o.smsc, source: "sms.smsc" } : { number: null, source: "sim" },
      usbResets: this.usbResets,
    };
    if (state === "pin_refused") {
      return { status: "down", ...base, action: "the SIM refused the PIN: correct sms.pin and restart the gateway" };
    }
    if (state !== "running") return { status: "down", ...base };
    if (!alive || !network) return { status: "degraded", ...base, reason: !alive ? "no heartbeat" : "no network" };
    if (base.signalPercent !== null && base.signalPercent < 10)
      return { status: "degraded", ...base, reason: "weak signal" };
    return { status: "ok", ...base };
  }
}
