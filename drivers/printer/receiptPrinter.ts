/**
 * The printer driver: transport → DLE EOT status parser → state machine, and slips built with
 * node-thermal-printer. Checks the status before and after each slip; one job at a time.
 */
import type { ThermalPrinter } from "node-thermal-printer";
import { appendSlip, createNtp } from "./escpos.ts";
import { asPrinterError, PrinterError } from "./printerError.ts";
import { PrinterStateMachine } from "./printerState.ts";
import { PRINTER_PROFILES, type PrinterProfile } from "./profiles.ts";
import type { PaperWidthMm, SlipDocument } from "./slip.ts";
import { applyStatusByte, dleEot, type PrinterStatus, STATUS_OK, type StatusKind, StatusParser } from "./status.ts";
import type { ByteTransport } from "./transport.ts";

/**
 * How the printer's status is read. `required`: no answer to DLE EOT means offline (no slip).
 * `auto`: a printer that opened and took the query but never answered it (many cheap ones), or a
 * line whose read fails (a one-way usblp: EINVAL), is driven write-only from then on.
 * `none`: never asked; always write-only.
 */
export type StatusMode = "auto" | "required" | "none";

export interface ReceiptPrinterOptions {
  transport: ByteTransport;
  widthMm: PaperWidthMm;
  now?: () => Date;
  statusTimeoutMs?: number;
  statusMode?: StatusMode;
  /** A write that has not gone through in this time fails the slip (paper out mid-slip stops the line). */
  writeTimeoutMs?: number;
  /** Code page and QR command of this printer (default: Epson's). */
  profile?: PrinterProfile;
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
  private readonly writeTimeoutMs: number;
  readonly profile: PrinterProfile;
  readonly statusMode: StatusMode;
  /** Set when `auto` gave up on status answers; says why (health shows it). */
  private writeOnlyReason: string | null = null;
  private answeredOnce = false;

  constructor(options: ReceiptPrinterOptions) {
    this.transport = options.transport;
    this.widthMm = options.widthMm;
    this.statusTimeoutMs = options.statusTimeoutMs ?? 1000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 15_000;
    this.profile = options.profile ?? PRINTER_PROFILES.epson;
    this.statusMode = options.statusMode ?? "auto";
    if (this.statusMode === "none") this.writeOnlyReason = "printer.status is none";
    this.state = new PrinterStateMachine(options.now ?? (() => new Date()));
    this.parser = new StatusParser((n, byte) => this.answers.shift()?.(n, byte));
    this.transport.onData((chunk) => this.parser.push(chunk));
    this.ntp = createNtp(this.widthMm, {
      execute: (buffer) => this.write(buffer),
      isPrinterConnected: async () => true,
      getPrinterName: () => this.transport.description,
    });
  }

  get description(): string {
    return this.transport.description;
  }

  /** False on a write-only line (a plain file or fifo, or `auto` gave up): the state stays "unknown". */
  get readsStatus(): boolean {
    return this.transport.duplex && this.writeOnlyReason === null;
  }

  /** Why status is not read although the line could carry it (null: it is read, or a plain file). */
  get writeOnly(): string | null {
    return this.writeOnlyReason;
  }

  /** One write with a deadline: a printer that stopped taking bytes closes the line instead of holding it. */
  private async write(bytes: Uint8Array): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`write timed out after ${this.writeTimeoutMs} ms`)),
        this.writeTimeoutMs,
      );
    });
    try {
      await Promise.race([this.transport.write(bytes), timeout]);
    } catch (err) {
      // Closing drops whatever is stuck in the line; the next job opens it again.
      await this.transport.close().catch(() => {});
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private giveUpStatus(reason: string): void {
    this.writeOnlyReason = reason;
    this.parser.reset();
    this.answers = [];
    this.state.dispatch({ type: "write_only", reason });
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
    if (this.writeOnlyReason !== null || !this.transport.duplex) return this.lineCannotAnswer();
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
        await this.write(dleEot(n));
      }
    } catch (err) {
      this.state.dispatch({ type: "transport_error", message: (err as Error).message });
      return null;
    }
    const answered = await done;
    // The read side failed while we waited (usblp on a one-way printer: EINVAL).
    if (!this.transport.duplex) return this.lineCannotAnswer();
    if (!answered) {
      if (this.statusMode === "auto" && !this.answeredOnce) {
        this.giveUpStatus("no answer to DLE EOT");
        return null;
      }
      this.parser.reset();
      this.answers = [];
      this.state.dispatch({ type: "no_answer" });
      return null;
    }
    this.answeredOnce = true;
    this.state.dispatch({ type: "status", status });
    return status;
  }

  /** The line is write-only (by wiring, by configuration, or its read failed). */
  private lineCannotAnswer(): null {
    if (this.writeOnlyReason !== null) return null;
    const reason = this.transport.readError;
    if (!reason) return null; // a plain file or fifo: write-only by wiring
    if (this.statusMode === "required") {
      this.state.dispatch({ type: "transport_error", message: `status cannot be read: ${reason}` });
    } else {
      this.giveUpStatus(`status read failed: ${reason}`);
    }
    return null;
  }

  /** Prints one slip or throws PrinterError saying why (state in details). */
  print(doc: SlipDocument): Promise<void> {
    return this.exclusive(async () => {
      if (this.writeOnlyReason === null) await this.queryStatus();
      // Write-only: writing is the only probe there is, so a failed slip does not block the next.
      const tracked = this.writeOnlyReason === null;
      if (tracked && !this.state.canPrint) {
        throw new PrinterError(`printer not ready: ${this.state.state}`, { state: this.state.state });
      }
      if (tracked) this.state.dispatch({ type: "print_started" });
      try {
        appendSlip(this.ntp, doc, this.widthMm, this.profile);
        await this.ntp.execute();
      } catch (err) {
        this.state.dispatch({ type: "transport_error", message: asPrinterError(err).message });
        throw asPrinterError(err, this.state.state);
      } finally {
        this.ntp.clear();
      }
      if (!tracked) {
        if (this.state.state !== "unknown") this.state.dispatch({ type: "write_only", reason: this.writeOnlyReason! });
        return;
      }
      this.state.dispatch({ type: "print_done" });
      // Paper that ran out or a cover opened during the slip: the resident got half a slip.
      await this.queryStatus();
      if (!this.state.canPrint && this.state.state !== "offline") {
        throw new PrinterError(`printer reported ${this.state.state} after printing`, {
          state: this.state.state,
        });
      }
    });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
