/**
 * The printer driver: transport → DLE EOT status parser → state machine, and slips built with
 * node-thermal-printer. Checks the status before and after each slip; one job at a time.
 */
import type { ThermalPrinter } from "node-thermal-printer";
import { KioskError } from "../../gateway/errors.ts";
import { appendSlip, createNtp } from "./escpos.ts";
import { type PrinterState, PrinterStateMachine } from "./printerState.ts";
import type { PaperWidthMm, SlipDocument } from "./slip.ts";
import { applyStatusByte, dleEot, type PrinterStatus, STATUS_OK, type StatusKind, StatusParser } from "./status.ts";
import type { ByteTransport } from "./transport.ts";

export interface ReceiptPrinterOptions {
  transport: ByteTransport;
  widthMm: PaperWidthMm;
  now?: () => Date;
  statusTimeoutMs?: number;
}

/** node-thermal-printer's interfaces reject with bare strings; callers get one error type. */
export function asPrinterError(err: unknown, state?: PrinterState): KioskError {
  if (err instanceof KioskError) return err;
  const message = typeof err === "string" ? err : err instanceof Error ? err.message : String(err);
  return new KioskError("PRINTER_ERROR", message, state ? { state } : undefined);
}

export class ReceiptPrinter {
  readonly state: PrinterStateMachine;
  readonly widthMm: PaperWidthMm;
  private readonly transport: ByteTransport;
  private readonly ntp: ThermalPrinter;
  private readonly parser: StatusParser;
  private answers: Array<(n: StatusKind, byte: number) => void> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statusTimeoutMs: number;

  constructor(options: ReceiptPrinterOptions) {
    this.transport = options.transport;
    this.widthMm = options.widthMm;
    this.statusTimeoutMs = options.statusTimeoutMs ?? 1000;
    this.state = new PrinterStateMachine(options.now ?? (() => new Date()));
    this.parser = new StatusParser((n, byte) => this.answers.shift()?.(n, byte));
    this.transport.onData((chunk) => this.parser.push(chunk));
    this.ntp = createNtp(this.widthMm, {
      execute: (buffer) => this.transport.write(buffer),
      isPrinterConnected: async () => true,
      getPrinterName: () => this.transport.description,
    });
  }

  get description(): string {
    return this.transport.description;
  }

  /** False on a write-only line (a plain file or fifo): the state then stays "unknown". */
  get readsStatus(): boolean {
    return this.transport.duplex;
  }

  /** One job at a time on the line: status rounds never interleave with a slip. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Asks DLE EOT 1..4 and folds the answers; null when the line cannot answer (write-only). */
  refreshStatus(): Promise<PrinterStatus | null> {
    return this.exclusive(() => this.queryStatus());
  }

  private async queryStatus(): Promise<PrinterStatus | null> {
    try {
      await this.transport.open();
    } catch (err) {
      this.state.dispatch({ type: "transport_error", message: (err as Error).message });
      return null;
    }
    if (!this.transport.duplex) return null;
    this.parser.reset();
    this.answers = [];
    let status: PrinterStatus = { ...STATUS_OK };
    const done = new Promise<boolean>((resolve) => {
      let left = 4;
      const timer = setTimeout(() => resolve(false), this.statusTimeoutMs);
      for (let i = 0; i < 4; i++) {
        this.answers.push((n, byte) => {
          status = applyStatusByte(status, n, byte);
          if (--left === 0) {
            clearTimeout(timer);
            resolve(true);
          }
        });
      }
    });
    try {
      for (const n of [1, 2, 3, 4] as StatusKind[]) {
        this.parser.expect(n);
        await this.transport.write(dleEot(n));
      }
    } catch (err) {
      this.state.dispatch({ type: "transport_error", message: (err as Error).message });
      return null;
    }
    if (!(await done)) {
      this.parser.reset();
      this.answers = [];
      this.state.dispatch({ type: "no_answer" });
      return null;
    }
    this.state.dispatch({ type: "status", status });
    return status;
  }

  /** Prints one slip or throws KioskError('PRINTER_ERROR') saying why (state in details). */
  print(doc: SlipDocument): Promise<void> {
    return this.exclusive(async () => {
      await this.queryStatus();
      if (!this.state.canPrint) {
        throw new KioskError("PRINTER_ERROR", `printer not ready: ${this.state.state}`, { state: this.state.state });
      }
      this.state.dispatch({ type: "print_started" });
      try {
        appendSlip(this.ntp, doc, this.widthMm);
        await this.ntp.execute();
      } catch (err) {
        this.state.dispatch({ type: "transport_error", message: asPrinterError(err).message });
        throw asPrinterError(err, this.state.state);
      } finally {
        this.ntp.clear();
      }
      this.state.dispatch({ type: "print_done" });
      // Paper that ran out or a cover opened during the slip: the resident got half a slip.
      await this.queryStatus();
      if (!this.state.canPrint && this.state.state !== "offline") {
        throw new KioskError("PRINTER_ERROR", `printer reported ${this.state.state} after printing`, {
          state: this.state.state,
        });
      }
    });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
