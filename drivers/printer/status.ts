/**
 * DLE EOT n (real-time status transmission, n = 1..4), implemented here because
 * node-thermal-printer has no working status read over serial. Every answer is one byte whose
 * fixed bits are 0xx1xx10 (bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0); anything else in the
 * stream (Automatic Status Back blocks, XON/XOFF, line noise) is skipped.
 */
export type StatusKind = 1 | 2 | 3 | 4;

export function dleEot(n: StatusKind): Buffer {
  return Buffer.from([0x10, 0x04, n]);
}

export const isStatusByte = (b: number): boolean => (b & 0x93) === 0x12;

/** What one full status round (n = 1..4) says about the printer. */
export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperEnd: boolean;
  paperNearEnd: boolean;
  cutterError: boolean;
  unrecoverableError: boolean;
  autoRecoverableError: boolean;
  feedButton: boolean;
}

export const STATUS_OK: PrinterStatus = {
  online: true,
  coverOpen: false,
  paperEnd: false,
  paperNearEnd: false,
  cutterError: false,
  unrecoverableError: false,
  autoRecoverableError: false,
  feedButton: false,
};

/** Folds one answer byte into the status. */
export function applyStatusByte(status: PrinterStatus, n: StatusKind, byte: number): PrinterStatus {
  const bit = (i: number) => (byte & (1 << i)) !== 0;
  switch (n) {
    case 1:
      return { ...status, online: !bit(3) };
    case 2:
      return { ...status, coverOpen: bit(2), feedButton: bit(3), paperEnd: status.paperEnd || bit(5) };
    case 3:
      return { ...status, cutterError: bit(3), unrecoverableError: bit(5), autoRecoverableError: bit(6) };
    case 4:
      return { ...status, paperNearEnd: bit(2) || bit(3), paperEnd: bit(5) || bit(6) || status.paperEnd };
  }
}

/** The byte a printer in `status` answers to DLE EOT n (used by the virtual printer). */
export function encodeStatusByte(status: PrinterStatus, n: StatusKind): number {
  let byte = 0x12;
  const set = (i: number, on: boolean) => {
    if (on) byte |= 1 << i;
  };
  switch (n) {
    case 1:
      set(3, !status.online);
      break;
    case 2:
      set(2, status.coverOpen);
      set(3, status.feedButton);
      set(5, status.paperEnd);
      set(6, status.coverOpen || status.paperEnd || status.cutterError || status.unrecoverableError);
      break;
    case 3:
      set(3, status.cutterError);
      set(5, status.unrecoverableError);
      set(6, status.autoRecoverableError);
      break;
    case 4:
      set(2, status.paperNearEnd);
      set(3, status.paperNearEnd);
      set(5, status.paperEnd);
      set(6, status.paperEnd);
      break;
  }
  return byte;
}

/**
 * Streaming parser: feed it whatever the transport delivers (split, joined, with junk) and it
 * pairs answer bytes with the requests sent, in order.
 */
export class StatusParser {
  private readonly pending: StatusKind[] = [];
  private asbRemaining = 0;
  junkBytes = 0;

  constructor(private readonly onAnswer: (n: StatusKind, byte: number) => void) {}

  expect(n: StatusKind): void {
    this.pending.push(n);
  }

  get waiting(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending.length = 0;
    this.asbRemaining = 0;
  }

  push(chunk: Uint8Array): void {
    for (const byte of chunk) {
      if (this.asbRemaining > 0) {
        // Automatic Status Back continues with 3 bytes of pattern 0xx0xx00.
        this.asbRemaining--;
        if ((byte & 0x93) === 0x00) continue;
        this.asbRemaining = 0;
      }
      if ((byte & 0x93) === 0x10) {
        this.asbRemaining = 3;
        this.junkBytes++;
        continue;
      }
      if (!isStatusByte(byte) || this.pending.length === 0) {
        this.junkBytes++;
        continue;
      }
      const n = this.pending.shift()!;
      this.onAnswer(n, byte);
    }
  }
}
