/** The three ways to reach a receipt printer, and the URI syntax that picks one. */
import { closeSync, constants, existsSync, openSync, statSync, writeSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { type TtyOptions, TtyPort } from "../serial/tty.ts";
import { type ByteTransport, DataListeners, TransportError } from "./transport.ts";

/** `tcp://host:9100`: raw port of a network printer. One connection, reopened after a failure. */
export class TcpTransport implements ByteTransport {
  readonly duplex = true;
  private socket: Socket | null = null;
  private readonly listeners = new DataListeners();

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly connectTimeoutMs = 3000,
  ) {}

  get description(): string {
    return `tcp://${this.host}:${this.port}`;
  }

  open(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError("connection timed out", this.description));
      }, this.connectTimeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        this.socket = socket;
        resolve();
      });
      socket.on("data", (chunk) => this.listeners.emit(chunk));
      socket.on("error", (err) => {
        clearTimeout(timer);
        if (this.socket === socket) this.socket = null;
        reject(new TransportError(err.message, this.description));
      });
      socket.on("close", () => {
        if (this.socket === socket) this.socket = null;
      });
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.open();
    const socket = this.socket!;
    await new Promise<void>((resolve, reject) =>
      socket.write(bytes, (err) => (err ? reject(new TransportError(err.message, this.description)) : resolve())),
    );
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    await new Promise<void>((resolve) => socket.end(() => resolve()));
    socket.destroy();
  }
}

/** A serial printer on a tty (`serial:/dev/ttyUSB0`), line set with `stty raw`. */
export class TtyTransport implements ByteTransport {
  readonly duplex = true;
  private readonly listeners = new DataListeners();
  private readonly port: TtyPort;

  constructor(
    readonly path: string,
    readonly baud: number,
  ) {
    this.port = new TtyPort(path, { baud }, (chunk) => this.listeners.emit(chunk));
  }

  get description(): string {
    return `${this.path} @ ${this.baud}`;
  }

  async open(): Promise<void> {
    try {
      await this.port.open();
    } catch (err) {
      throw new TransportError((err as Error).message.split("\n")[0], this.description);
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.open();
    try {
      await this.port.write(bytes);
    } catch (err) {
      await this.port.close();
      throw new TransportError((err as Error).message, this.description);
    }
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.listeners.add(listener);
  }

  close(): Promise<void> {
    return this.port.close();
  }
}

/**
 * A line-printer device file (`/dev/usb/lp0`). The usblp driver is bidirectional, so a
 * character device is opened read-write and polled for answers like a tty (a blocking read
 * would hold a thread forever); a regular file or fifo (tests, spooling) is write-only.
 */
export class DeviceFileTransport implements ByteTransport {
  private fd: number | null = null;
  private port: TtyPort | null = null;
  private readonly listeners = new DataListeners();
  duplex = false;
  readError: string | undefined;

  constructor(
    readonly path: string,
    private readonly read?: TtyOptions["read"],
  ) {}

  get description(): string {
    return this.path;
  }

  async open(): Promise<void> {
    if (this.fd !== null || this.port?.isOpen) return;
    try {
      if (existsSync(this.path) && statSync(this.path).isCharacterDevice()) {
        this.port = new TtyPort(
          this.path,
          { baud: 0, configureLine: false, read: this.read },
          (chunk) => this.listeners.emit(chunk),
          // A one-way printer on usblp: every read is EINVAL. Writing still works; reading stops.
          (err) => {
            this.readError = (err as NodeJS.ErrnoException).code ?? err.message;
            this.duplex = false;
          },
        );
        await this.port.open();
        this.duplex = this.readError === undefined;
      } else {
        this.fd = openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
        this.duplex = false;
      }
    } catch (err) {
      this.fd = null;
      throw new TransportError((err as Error).message, this.description);
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.open();
    try {
      if (this.port) {
        await this.port.write(bytes);
        return;
      }
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.fd!, bytes, offset, bytes.length - offset);
    } catch (err) {
      await this.close();
      throw new TransportError((err as Error).message, this.description);
    }
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    await this.port?.close();
    this.port = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * `tcp://host[:port]` (default 9100), `serial:/dev/ttyUSB0[?baud=19200]` or a tty path
 * (`/dev/ttyUSB0`, `/dev/ttyS0`, `/dev/serial/by-id/…`), anything else is a device file.
 */
export function transportFromUri(uri: string, baud: number): ByteTransport {
  const tcp = /^tcp:\/\/([^/:]+)(?::(\d+))?\/?$/i.exec(uri);
  if (tcp) return new TcpTransport(tcp[1], tcp[2] ? Number(tcp[2]) : 9100);
  const serial = /^serial:([^?]+)(?:\?baud=(\d+))?$/i.exec(uri);
  if (serial) return new TtyTransport(serial[1], serial[2] ? Number(serial[2]) : baud);
  if (/^\/dev\/(tty|serial\/|rfcomm)/.test(uri)) return new TtyTransport(uri, baud);
  return new DeviceFileTransport(uri.replace(/^file:/, ""));
}
