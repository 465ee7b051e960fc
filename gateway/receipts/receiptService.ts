/**
 * The confirmation-slip verbs behind `ctx.receipts`: issue (sign and store inside the caller's
 * transaction), print after commit (never throws: a failure leaves the slip queued), reprint
 * as "DUPLIKAT", and the print status the kiosk polls.
 */

import { and, asc, eq, gte, sql } from "drizzle-orm";
import { receipts } from "../../db/schema/index.ts";
import { PrinterError } from "../../drivers/printer/printerError.ts";
import type { ReceiptPrinter } from "../../drivers/printer/receiptPrinter.ts";
import type { IssuedReceipt, PrintOutcome, ReceiptInput, ReceiptService } from "../context.ts";
import type { CoreDeps, Tx } from "../deps.ts";
import { consentAsOf } from "../domain/consentState.ts";
import { KioskError } from "../errors.ts";
import { flatLabel } from "../services/flatDirectory.ts";
import type { ConsentRegister } from "../services/register.ts";
import type { KioskKey } from "./kioskKey.ts";
import { layoutSlip, slipContextOf } from "./layout.ts";
import { qrTextOf, signReceipt } from "./qrText.ts";
import { buildSignedReceipt, receiptNumber, type SignedReceipt, signedReceiptSchema } from "./receiptData.ts";
import type { ReceiptNumbers } from "./receiptNumbers.ts";

export interface ReceiptServiceDeps extends CoreDeps {
  register: Pick<ConsentRegister, "flatEvents">;
  key: KioskKey;
  /** null when no printer is configured: slips stay pending and the kiosk shows the QR. */
  printer: ReceiptPrinter | null;
  /** The high-water mark outside the database (receipt numbers never repeat). */
  numbers: ReceiptNumbers;
}

type Row = typeof receipts.$inferSelect;

function outcomeOf(row: Pick<Row, "printStatus" | "printError">): PrintOutcome {
  if (row.printStatus === "failed") return { status: "failed", reason: row.printError ?? "printer error" };
  return { status: row.printStatus };
}

export class KioskReceipts implements ReceiptService {
  constructor(private readonly deps: ReceiptServiceDeps) {}

  issue(tx: Tx, input: ReceiptInput): IssuedReceipt {
    const last = tx
      .select({ seq: sql<number | null>`max(${receipts.seq})` })
      .from(receipts)
      .get();
    const seq = this.deps.numbers.next(this.deps.config.kioskId, last?.seq ?? 0);
    const number = receiptNumber(this.deps.config.kioskId, seq);
    const data = buildSignedReceipt(input, number, this.deps.config.timezone);
    const slip = signReceipt(data, this.deps.key);
    tx.insert(receipts)
      .values({
        seq,
        number,
        eventSeq: input.eventSeq,
        data: slip.canonical,
        signature: slip.signature.toString("base64url"),
        kid: slip.kid,
        printStatus: "pending",
        createdAt: this.deps.clock.now().toISOString(),
      })
      .run();
    return { number, qr: slip.qr };
  }

  find(number: string): (Row & { receipt: SignedReceipt; qr: string }) | null {
    const row = this.deps.db.select().from(receipts).where(eq(receipts.number, number)).get();
    if (!row) return null;
    const receipt = signedReceiptSchema.parse(JSON.parse(row.data));
    return { ...row, receipt, qr: qrTextOf(row.kid, row.data, Buffer.from(row.signature, "base64url")) };
  }

  private readonly inFlight = new Set<Promise<PrintOutcome>>();

  /** Prints the original slip after commit. Never throws; failures are recorded for the reprint worker. */
  print(number: string): Promise<PrintOutcome> {
    const job = this.printOrQueue(number);
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
    return job;
  }

  /** Waits for prints started with `print()` (shutdown: the database must outlive them). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async printOrQueue(number: string): Promise<PrintOutcome> {
    try {
      return await this.printSlip(number, false);
    } catch (err) {
      const reason = (err as Error).message;
      this.deps.logger.warn({ number, reason }, "receipt not printed; queued for reprint");
      try {
        this.mark(number, { printStatus: "failed", printError: reason });
      } catch (markErr) {
        this.deps.logger.error({ err: markErr, number }, "could not record the failed print");
      }
      return { status: "failed", reason };
    }
  }

  /** A copy for the resident: the same signed data, marked "DUPLIKAT". Throws PRINTER_ERROR. */
  async reprint(number: string): Promise<PrintOutcome> {
    return this.printSlip(number, true);
  }

  printStatus(number: string): PrintOutcome {
    const row = this.deps.db
      .select({ printStatus: receipts.printStatus, printError: receipts.printError })
      .from(receipts)
      .where(eq(receipts.number, number))
      .get();
    if (!row) throw new KioskError("NOT_FOUND", `no receipt ${number}`);
    return outcomeOf(row);
  }

  /** Failed slips issued since `since`, oldest first (the worker retries only recent ones). */
  failedSince(since: Date): string[] {
    return this.deps.db
      .select({ number: receipts.number })
      .from(receipts)
      .where(and(eq(receipts.printStatus, "failed"), gte(receipts.createdAt, since.toISOString())))
      .orderBy(asc(receipts.seq))
      .all()
      .map((r) => r.number);
  }

  countFailed(): number {
    return (
      this.deps.db.select({ n: sql<number>`count(*)` }).from(receipts).where(eq(receipts.printStatus, "failed")).get()
        ?.n ?? 0
    );
  }

  /** The flat's contacts right after the slip's register event (printed in full on the slip). */
  private contactsAt(flatCode: string, seq: number): { email: string | null; mobile: string | null } {
    const events = this.deps.register.flatEvents(flatCode).filter((e) => e.seq <= seq);
    const state = consentAsOf(flatCode, events, null, this.deps.config.rules.graceDays);
    return { email: state.email, mobile: state.mobile };
  }

  private async printSlip(number: string, duplicate: boolean): Promise<PrintOutcome> {
    const found = this.find(number);
    if (!found) throw new KioskError("NOT_FOUND", `no receipt ${number}`);
    const printer = this.deps.printer;
    if (!printer) throw new KioskError("PRINTER_ERROR", "no printer configured", { state: "not_configured" });
    const label = flatLabel(this.deps.db, found.receipt.f);
    const contacts = this.contactsAt(found.receipt.f, found.receipt.s);
    const doc = layoutSlip(
      found.receipt,
      found.qr,
      slipContextOf(this.deps.config, { flatLabel: label, duplicate, contacts }),
    );
    try {
      await printer.print(doc);
    } catch (err) {
      // The driver's error becomes the gateway's: routes and the kiosk switch on PRINTER_ERROR.
      if (err instanceof PrinterError) throw new KioskError("PRINTER_ERROR", err.message, err.details);
      throw err;
    }
    this.mark(number, { printStatus: "printed", printError: null, printedAt: this.deps.clock.now().toISOString() });
    this.deps.logger.info({ number, duplicate }, "receipt printed");
    return { status: "printed" };
  }

  private mark(number: string, values: Partial<Pick<Row, "printStatus" | "printError" | "printedAt">>): void {
    this.deps.db.update(receipts).set(values).where(eq(receipts.number, number)).run();
  }
}
