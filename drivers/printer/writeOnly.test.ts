/**
 * Printers that never answer DLE EOT, one-way USB printers whose read fails with EINVAL, and
 * lines that stop taking bytes mid-slip: the slip prints (or fails in bounded time) and the
 * queue never stalls.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ReceiptPrinter, type StatusMode } from "./receiptPrinter.ts";
import type { SlipDocument } from "./slip.ts";
import type { ByteTransport } from "./transport.ts";
import { DeviceFileTransport, TcpTransport } from "./transports.ts";
import { startPtyBridge } from "./virtual/ptyBridge.ts";
import { VirtualPrinter } from "./virtual/virtualPrinter.ts";

const tmp = mkdtempSync(join(tmpdir(), "ekor-writeonly-"));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const doc: SlipDocument = {
  blocks: [
    { kind: "text", text: "Potwierdzenie", align: "center", bold: true },
    { kind: "field", label: "Nr:", value: "K1-000042" },
    { kind: "qr", data: "EK1.write-only" },
  ],
};
const DLE_EOT = Buffer.from([0x10, 0x04]);

async function virtualPrinter(name: string): Promise<VirtualPrinter> {
  const vp = new VirtualPrinter({ outDir: join(tmp, name), widthMm: 58, png: false });
  await vp.start();
  cleanups.push(() => vp.stop());
  return vp;
}

function printerOn(transport: ByteTransport, statusMode: StatusMode, writeTimeoutMs = 2000): ReceiptPrinter {
  const printer = new ReceiptPrinter({ transport, widthMm: 58, statusTimeoutMs: 300, statusMode, writeTimeoutMs });
  cleanups.push(() => printer.close());
  return printer;
}

/** Write-only prints resolve when the bytes are written; the printer cuts a moment later. */
async function slipsOf(vp: VirtualPrinter, n: number): Promise<VirtualPrinter["slips"]> {
  for (let i = 0; i < 200 && vp.slips.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return vp.slips;
}

const einval = (): number => {
  throw Object.assign(new Error("EINVAL: invalid argument, read"), { code: "EINVAL" });
};

describe("a printer that never answers DLE EOT", () => {
  it("prints in auto mode and goes write-only after the first unanswered probe", async () => {
    const vp = await virtualPrinter("mute");
    vp.mute = true;
    const printer = printerOn(new TcpTransport("127.0.0.1", vp.port), "auto");
    await printer.print(doc);
    expect(await slipsOf(vp, 1)).toHaveLength(1);
    expect(printer.writeOnly).toBe("no answer to DLE EOT");
    expect(printer.readsStatus).toBe(false);
    expect(printer.state.state).toBe("unknown");
    // From now on no status is asked: the second slip carries no DLE EOT at all.
    await printer.print(doc);
    expect(await slipsOf(vp, 2)).toHaveLength(2);
    expect(vp.slips[1].raw.includes(DLE_EOT)).toBe(false);
  });

  it("refuses to print in required mode (no answer means offline)", async () => {
    const vp = await virtualPrinter("mute-required");
    vp.mute = true;
    const printer = printerOn(new TcpTransport("127.0.0.1", vp.port), "required");
    const error = await printer.print(doc).catch((e) => e);
    expect(error).toMatchObject({ code: "PRINTER_ERROR", details: { state: "offline" } });
    expect(vp.slips).toHaveLength(0);
    expect(printer.writeOnly).toBeNull();
  });

  it("keeps reading status in auto mode once the printer has answered (a later silence is offline)", async () => {
    const vp = await virtualPrinter("answered");
    const printer = printerOn(new TcpTransport("127.0.0.1", vp.port), "auto");
    await printer.print(doc);
    expect(printer.state.state).toBe("ready");
    vp.mute = true;
    await printer.refreshStatus();
    expect(printer.state.state).toBe("offline");
    expect(printer.writeOnly).toBeNull();
  });

  it("never sends DLE EOT with printer.status none", async () => {
    const vp = await virtualPrinter("none");
    const printer = printerOn(new TcpTransport("127.0.0.1", vp.port), "none");
    await printer.refreshStatus();
    await printer.print(doc);
    expect(await slipsOf(vp, 1)).toHaveLength(1);
    expect(vp.slips[0].raw.includes(DLE_EOT)).toBe(false);
    expect(printer.writeOnly).toBe("printer.status is none");
  });
});

describe("a one-way USB printer (usblp read fails with EINVAL)", () => {
  it("prints in auto mode and reports the failed read as the reason it is write-only", async () => {
    const vp = await virtualPrinter("einval");
    const pty = await startPtyBridge(join(tmp, "lp-einval"), vp.port);
    cleanups.push(() => pty.stop());
    const transport = new DeviceFileTransport(pty.path, einval);
    const printer = printerOn(transport, "auto");
    await printer.print(doc);
    await printer.print(doc);
    expect(await slipsOf(vp, 2)).toHaveLength(2);
    expect(transport.duplex).toBe(false);
    expect(printer.writeOnly).toBe("status read failed: EINVAL");
    expect(vp.slips[1].raw.includes(DLE_EOT)).toBe(false);
  });

  it("refuses in required mode and says the status cannot be read", async () => {
    const vp = await virtualPrinter("einval-required");
    const pty = await startPtyBridge(join(tmp, "lp-einval-req"), vp.port);
    cleanups.push(() => pty.stop());
    const printer = printerOn(new DeviceFileTransport(pty.path, einval), "required");
    const error = await printer.print(doc).catch((e) => e);
    expect(error).toMatchObject({ code: "PRINTER_ERROR", details: { state: "offline" } });
    expect(printer.state.detail).toBe("status cannot be read: EINVAL");
    expect(vp.slips).toHaveLength(0);
  });
});

/** The virtual printer over TCP, except that one write never completes (the paper ran out mid-slip). */
function stallingOnce(inner: TcpTransport): ByteTransport & { stalled: number } {
  let stallNext = true;
  let release: (() => void) | null = null;
  return {
    description: `stalling ${inner.description}`,
    duplex: true,
    stalled: 0,
    open: () => inner.open(),
    onData: (l) => inner.onData(l),
    async write(bytes) {
      // Status queries pass; the first slip (a big write) hangs until the line is closed.
      if (stallNext && bytes.length > 3) {
        stallNext = false;
        this.stalled++;
        await new Promise<void>((_, reject) => {
          release = () => reject(new Error("closed"));
        });
      }
      await inner.write(bytes);
    },
    async close() {
      release?.();
      release = null;
      await inner.close();
    },
  };
}

describe("a line that stops taking bytes mid-slip", () => {
  it("fails that slip after the write timeout and prints the next one", async () => {
    for (const mode of ["auto", "none"] as const) {
      const vp = await virtualPrinter(`stall-${mode}`);
      const transport = stallingOnce(new TcpTransport("127.0.0.1", vp.port));
      const printer = printerOn(transport, mode, 400);
      const started = Date.now();
      const error = await printer.print(doc).catch((e) => e);
      expect(error).toMatchObject({ code: "PRINTER_ERROR" });
      expect(error.message).toContain("write timed out after 400 ms");
      expect(Date.now() - started).toBeLessThan(3000);
      expect(transport.stalled).toBe(1);
      await printer.print(doc);
      expect(await slipsOf(vp, 1)).toHaveLength(1);
    }
  });
});
