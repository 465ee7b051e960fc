/** The context every route and verb receives, built once in runtime.ts after every part has started. */
import type { OpenedDb } from "../db/client.ts";
import type { VirtualPrinter } from "../drivers/printer/virtual/virtualPrinter.ts";
import type { DemoClock } from "./clock.ts";
import type { CoreDeps, Tx } from "./deps.ts";
import type { DiskWatch } from "./diskWatch.ts";
import type { HashPool } from "./hashing.ts";
import type { HealthRegistry } from "./health.ts";
import type { MailSink } from "./messaging/sink.ts";
import type { SmsRuntime } from "./messaging/smsRuntime.ts";
import type { OutboxWorker } from "./messaging/worker.ts";
import type { RefusalMemo } from "./refusals.ts";
import type { KioskSessions } from "./services/kioskSessions.ts";
import type { ConsentRegister } from "./services/register.ts";

/** What a confirmation slip says; built by the enrolment/withdrawal verbs (see receipts/). */
export interface ReceiptInput {
  action: "enrolment" | "update" | "withdrawal";
  eventSeq: number;
  eventHash: string;
  flatCode: string;
  /** Human address, e.g. "ul. Kelecka 10 kl. A m. 12". */
  flatLabel: string;
  ownerName: string;
  email: string | null;
  mobile: string | null;
  /** Electronic channels in force after this action. */
  channels: Array<"email" | "sms">;
  /** ISO instant from which email/SMS replace paper (null when nothing electronic remains). */
  electronicFrom: string | null;
  consentVersion: string | null;
  /** The kiosk language the resident used (pl, en, uk). */
  language: string;
  occurredAt: string;
}

export interface IssuedReceipt {
  /** "<kiosk id>-<sequence>" */
  number: string;
  /** The text encoded in the slip's QR code (verifiable signature). */
  qr: string;
}

export type PrintOutcome = { status: "printed" } | { status: "failed"; reason: string } | { status: "pending" };

/** Implemented by gateway/receipts (issue: signed confirmation slip). */
export interface ReceiptService {
  /** Signs and stores the receipt inside the caller's transaction. */
  issue(tx: Tx, input: ReceiptInput): IssuedReceipt;
  /** Prints after commit; never throws: a printer problem queues a reprint. */
  print(number: string): Promise<PrintOutcome>;
  printStatus(number: string): PrintOutcome;
}

/** What exists before any background part starts: the parts are started with it (runtime.ts). */
export interface BaseContext extends CoreDeps {
  database: OpenedDb;
  register: ConsentRegister;
  health: HealthRegistry;
  /** Directory of the built kiosk UI (served at `/`). */
  uiDir: string;
  /** Residents identified at the kiosk (flat + owner), for the kiosk API and slip reprints. */
  kioskSessions: KioskSessions;
  /** Free space on the data disk; a write that failed for lack of space turns health down. */
  disk: DiskWatch;
  /** scrypt off the event loop with a bounded queue (staff login, owner identification). */
  hashing: HashPool;
  /** Waits already imposed on a client or on all clients, checked before a request is read. */
  refusals: RefusalMemo;
  /** Signs the staff console's device cookies (staff/deviceCookie.ts). */
  staffDeviceKey: Uint8Array;
  /**
   * False until NTP has synchronised the system clock (a Pi has no battery clock): receipts are
   * not signed and the office is not contacted on a wrong time. Outside systemd it is true.
   */
  clockSynchronized: () => boolean;
  /** Demo mode's movable clock (the same object as `clock`), for POST /dev/clock; null in production. */
  demoClock: DemoClock | null;
}

/** Everything a route or service verb may use: the base plus the started parts' services. */
export interface GatewayContext extends BaseContext {
  /** Signs, stores and prints confirmation slips (receipts/). */
  receipts: ReceiptService;
  /** Outbox workers (messaging/worker.ts): `poke()` after enqueueing. */
  outbox: OutboxWorker;
  /** The SMS side (modem bridge or simulator, sender, delivery tracker); see messaging/smsRuntime.ts. */
  sms: SmsRuntime;
  /** Demo mode's in-process SMTP sink, shown at /dev/mail; null with a real SMTP server. */
  mailSink: MailSink | null;
  /** The in-process virtual printer when `printer.uri` is "virtual" (demo and tests); otherwise null. */
  printerSimulator: VirtualPrinter | null;
}
