/**
 * The printer driver's one error type. The gateway turns it into KioskError('PRINTER_ERROR')
 * at its edge (receipts/receiptService.ts); drivers know nothing of the gateway.
 */
import type { PrinterState } from "./printerState.ts";

export class PrinterError extends Error {
  readonly code = "PRINTER_ERROR";
  constructor(
    message: string,
    readonly details?: { state: PrinterState | "not_configured" },
  ) {
    super(message);
    this.name = "PrinterError";
  }
}

/** node-thermal-printer's interfaces reject with bare strings; callers get one error type. */
export function asPrinterError(err: unknown, state?: PrinterState): PrinterError {
  if (err instanceof PrinterError) return err;
  const message = typeof err === "string" ? err : err instanceof Error ? err.message : String(err);
  return new PrinterError(message, state ? { state } : undefined);
}
