/** Bytes to and from a printer: a USB line-printer device, a serial tty or a TCP socket. */
export interface ByteTransport {
  /** For logs and health: "tcp://127.0.0.1:9100", "/dev/ttyUSB0 @ 38400", "/dev/usb/lp0". */
  readonly description: string;
  /** False when answers cannot be read back (a plain file or fifo): status checks are skipped. */
  readonly duplex: boolean;
  /** Set when reading failed for good (a one-way usblp answers reads with EINVAL); duplex is then false. */
  readonly readError?: string;
  open(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (chunk: Buffer) => void): () => void;
  close(): Promise<void>;
}

export class TransportError extends Error {
  constructor(
    message: string,
    readonly transport: string,
  ) {
    super(`${transport}: ${message}`);
    this.name = "TransportError";
  }
}

/** Listener bookkeeping shared by the transports. */
export class DataListeners {
  private readonly listeners = new Set<(chunk: Buffer) => void>();
  add(listener: (chunk: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(chunk: Buffer): void {
    for (const l of this.listeners) l(chunk);
  }
}
