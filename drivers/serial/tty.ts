/**
 * Serial port as a tty file: `stty raw` sets the line, a non-blocking file descriptor carries
 * the bytes. serialport's `open()` crashes under Bun, and a blocking read on a tty would keep a
 * thread (and the process) alive after close, so reads are polled every few milliseconds.
 */
import { closeSync, constants, openSync, readSync, writeSync } from "node:fs";
import { execa } from "execa";

export interface TtyOptions {
  baud: number;
  /** false for character devices that are not serial lines (a USB line printer): no `stty`. */
  configureLine?: boolean;
  /** Poll interval for incoming bytes. */
  pollMs?: number;
  /** The read(2) call; a test puts a failing one here (a one-way usblp answers EINVAL). */
  read?: (fd: number, buffer: Buffer) => number;
}

function isAgain(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "EAGAIN" || code === "EWOULDBLOCK";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class TtyPort {
  private fd: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly buffer = Buffer.alloc(4096);

  constructor(
    readonly path: string,
    private readonly options: TtyOptions,
    private readonly onData: (chunk: Buffer) => void,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  get isOpen(): boolean {
    return this.fd !== null;
  }

  async open(): Promise<void> {
    if (this.fd !== null) return;
    // raw: no line editing, no CR/LF translation, 8 bits; -echo: the printer's bytes are not sent back.
    if (this.options.configureLine !== false) {
      await execa("stty", ["-F", this.path, "raw", "-echo", "-ixon", "-ixoff", "-crtscts", String(this.options.baud)]);
    }
    this.fd = openSync(this.path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    this.poll();
  }

  private poll = (): void => {
    this.timer = null;
    if (this.fd === null) return;
    try {
      for (;;) {
        const n = this.options.read
          ? this.options.read(this.fd, this.buffer)
          : readSync(this.fd, this.buffer, 0, this.buffer.length, null);
        if (n <= 0) break;
        this.onData(Buffer.from(this.buffer.subarray(0, n)));
      }
    } catch (err) {
      if (!isAgain(err)) {
        this.onError(err as Error);
        return;
      }
    }
    this.timer = setTimeout(this.poll, this.options.pollMs ?? 5);
  };

  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.fd === null) throw new Error(`${this.path} is closed`);
      try {
        offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
      } catch (err) {
        if (!isAgain(err)) throw err;
        // The line is slower than we are (38400 baud ≈ 3.8 kB/s): wait for the driver's buffer.
        await sleep(10);
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
