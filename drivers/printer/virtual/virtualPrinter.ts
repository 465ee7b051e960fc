/**
 * The virtual receipt printer: a TCP "port 9100" that takes ESC/POS, answers DLE EOT with a
 * configurable state, and writes every cut slip as .txt, .png and .bin under `outDir`
 * (plus latest.txt / latest.png). `ptyBridge` puts it behind a serial pty made by socat.
 */
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { privateDir, writePrivateFile } from "../../../db/privateFiles.ts";
import { dotsFor, type PaperWidthMm } from "../slip.ts";
import { encodeStatusByte, type PrinterStatus, STATUS_OK } from "../status.ts";
import { type DecodedSlip, EscPosDecoder } from "./escposDecoder.ts";
import { renderSlipPng } from "./render.ts";

export type VirtualPrinterState = "ok" | "paper_near_end" | "paper_out" | "cover_open" | "offline";

export function statusOfState(state: VirtualPrinterState): PrinterStatus {
  switch (state) {
    case "ok":
      return STATUS_OK;
    case "paper_near_end":
      return { ...STATUS_OK, paperNearEnd: true };
    case "paper_out":
      return { ...STATUS_OK, online: false, paperNearEnd: true, paperEnd: true };
    case "cover_open":
      return { ...STATUS_OK, online: false, coverOpen: true };
    case "offline":
      return { ...STATUS_OK, online: false };
  }
}

export interface PrintedSlip extends DecodedSlip {
  /** Base path without extension: `<outDir>/slip-0001`. */
  file: string;
  png: Buffer;
  raw: Buffer;
}

export interface VirtualPrinterOptions {
  outDir: string;
  widthMm: PaperWidthMm;
  state?: VirtualPrinterState;
  /** Also write .png files (tests that only need text can skip the drawing). */
  png?: boolean;
  /** `ESC t n` numbers of the printer it plays, where they differ from Epson's. */
  codePages?: Record<number, string>;
}

export class VirtualPrinter {
  state: VirtualPrinterState;
  readonly slips: PrintedSlip[] = [];
  /** Bytes that arrived while the printer could not print (a real one would not print them either). */
  discardedBytes = 0;
  /** Paper left on the roll, in slips (null: endless). At 0 the printer reports paper out. */
  slipsLeft: number | null = null;
  /** Prints but never answers DLE EOT, like many cheap printers. */
  mute = false;
  /** Why the last slip's files could not be written (null when they were). */
  lastStoreError: string | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly waiters: Array<(slip: PrintedSlip) => void> = [];

  constructor(private readonly options: VirtualPrinterOptions) {
    this.state = options.state ?? "ok";
    privateDir(options.outDir);
  }

  get canPrint(): boolean {
    return this.state === "ok" || this.state === "paper_near_end";
  }

  async start(port = 0): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    return this.port;
  }

  get port(): number {
    const address = this.server?.address();
    return address && typeof address === "object" ? address.port : 0;
  }

  get uri(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Feeds bytes as if they came over a line; `reply` gets status answers. */
  connection(reply: (bytes: Buffer) => void): (chunk: Uint8Array) => void {
    let raw: Buffer[] = [];
    const decoder = new EscPosDecoder(
      {
        onStatusRequest: (n) => {
          if (this.state !== "offline" && !this.mute)
            reply(Buffer.from([encodeStatusByte(statusOfState(this.state), n)]));
        },
        onSlip: (slip) => {
          const bytes = Buffer.concat(raw);
          raw = [];
          this.store(slip, bytes);
        },
      },
      { codePages: this.options.codePages },
    );
    return (chunk) => {
      if (!this.canPrint) {
        // Still answer status requests, but nothing reaches the paper.
        const only = Buffer.from(chunk);
        this.discardedBytes += only.length;
        for (let i = 0; i + 2 < only.length; i++) {
          if (only[i] === 0x10 && only[i + 1] === 0x04 && this.state !== "offline") {
            reply(Buffer.from([encodeStatusByte(statusOfState(this.state), only[i + 2] as 1 | 2 | 3 | 4)]));
          }
        }
        return;
      }
      raw.push(Buffer.from(chunk));
      decoder.push(chunk);
    };
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const feed = this.connection((bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
    socket.on("data", feed);
    socket.on("error", () => {});
    socket.on("close", () => this.sockets.delete(socket));
  }

  private store(slip: DecodedSlip, raw: Buffer): void {
    const file = join(this.options.outDir, `slip-${String(this.slips.length + 1).padStart(4, "0")}-${Date.now()}`);
    const png = this.options.png === false ? Buffer.alloc(0) : renderSlipPng(slip, dotsFor(this.options.widthMm));
    try {
      writePrivateFile(`${file}.txt`, slip.text);
      writePrivateFile(`${file}.bin`, raw);
      writePrivateFile(join(this.options.outDir, "latest.txt"), slip.text);
      if (png.length > 0) {
        writePrivateFile(`${file}.png`, png);
        writePrivateFile(join(this.options.outDir, "latest.png"), png);
      }
      this.lastStoreError = null;
    } catch (err) {
      // A full disk (ENOSPC) or a read-only one must not take the gateway down: the slip was
      // "printed" (it is kept in memory and shown at /dev/printer), only its files are missing.
      this.lastStoreError = `${(err as NodeJS.ErrnoException).code ?? "error"}: ${(err as Error).message}`;
    }
    const printed: PrintedSlip = { ...slip, file, png, raw };
    this.slips.push(printed);
    if (this.slipsLeft !== null && --this.slipsLeft <= 0) this.state = "paper_out";
    for (const waiter of this.waiters.splice(0)) waiter(printed);
  }

  /** Resolves with the next slip that is cut (or rejects after `timeoutMs`). */
  nextSlip(timeoutMs = 15_000): Promise<PrintedSlip> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("virtual printer: no slip within timeout")), timeoutMs);
      this.waiters.push((slip) => {
        clearTimeout(timer);
        resolve(slip);
      });
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
