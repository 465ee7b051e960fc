import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PrinterError } from "./printerError.ts";
import { ReceiptPrinter, type StatusMode } from "./receiptPrinter.ts";
import type { SlipDocument } from "./slip.ts";
import type { ByteTransport } from "./transport.ts";
import { DeviceFileTransport, TcpTransport, TtyTransport, transportFromUri } from "./transports.ts";
import { EscPosDecoder } from "./virtual/escposDecoder.ts";
import { type PtyBridge, startPtyBridge } from "./virtual/ptyBridge.ts";
import { VirtualPrinter } from "./virtual/virtualPrinter.ts";

const tmp = mkdtempSync(join(tmpdir(), "ekor-printer-"));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const doc: SlipDocument = {
  blocks: [
    { kind: "text", text: "Spółdzielnia Mieszkaniowa", align: "center", bold: true },
    { kind: "field", label: "Właściciel:", value: "Łucja Źdźbło" },
    { kind: "qr", data: "EK1.test.qr" },
  ],
};

async function virtualPrinter(name: string): Promise<VirtualPrinter> {
  const vp = new VirtualPrinter({ outDir: join(tmp, name), widthMm: 58, png: false });
  await vp.start();
  cleanups.push(() => vp.stop());
  return vp;
}

function printerOn(transport: ByteTransport, statusMode: StatusMode = "required"): ReceiptPrinter {
  const printer = new ReceiptPrinter({ transport, widthMm: 58, statusTimeoutMs: 500, statusMode });
  cleanups.push(() => printer.close());
  return printer;
}

async function bridge(vp: VirtualPrinter, name: string): Promise<PtyBridge> {
  const pty = await startPtyBridge(join(tmp, name), vp.port);
  cleanups.push(() => pty.stop());
  return pty;
}

describe("printing to the virtual printer", () => {
  it("prints over TCP (tcp://host:port) and reads the status back", async () => {
    const vp = await virtualPrinter("tcp");
    const printer = printerOn(transportFromUri(vp.uri, 38400));
    const next = vp.nextSlip();
    await printer.print(doc);
    const slip = await next;
    expect(slip.text).toContain("Spółdzielnia Mieszkaniowa");
    expect(slip.text).toContain("Właściciel: Łucja Źdźbło");
    expect(slip.qr).toEqual(["EK1.test.qr"]);
    expect(printer.state.state).toBe("ready");
    expect(readFileSync(`${slip.file}.txt`, "utf8")).toBe(slip.text);
  });

  it("prints over a serial pty made by socat (stty raw + file descriptor)", async () => {
    const vp = await virtualPrinter("tty");
    const pty = await bridge(vp, "ttyV0");
    const transport = transportFromUri(`serial:${pty.path}`, 38400);
    expect(transport).toBeInstanceOf(TtyTransport);
    const printer = printerOn(transport);
    const next = vp.nextSlip();
    await printer.print(doc);
    expect((await next).text).toContain("Łucja Źdźbło");
    vp.state = "cover_open";
    await printer.refreshStatus();
    expect(printer.state.state).toBe("cover_open");
  });

  it("talks both ways to a character device given as a file (like /dev/usb/lp0)", async () => {
    const vp = await virtualPrinter("chardev");
    const pty = await bridge(vp, "lp-like");
    const transport = transportFromUri(`file:${pty.path}`, 38400);
    expect(transport).toBeInstanceOf(DeviceFileTransport);
    const printer = printerOn(transport);
    const next = vp.nextSlip();
    await printer.print(doc);
    expect((await next).text).toContain("Łucja Źdźbło");
    expect(transport.duplex).toBe(true);
    expect(printer.state.state).toBe("ready");
    vp.state = "paper_out";
    await printer.refreshStatus();
    expect(printer.state.state).toBe("paper_out");
  });

  it("writes to a line-printer device file (write-only: no status answers)", async () => {
    const file = join(tmp, "lp0");
    const transport = transportFromUri(`file:${file}`, 38400);
    expect(transport).toBeInstanceOf(DeviceFileTransport);
    const printer = printerOn(transport);
    await printer.print(doc);
    await printer.print(doc);
    expect(transport.duplex).toBe(false);
    const slips: string[] = [];
    new EscPosDecoder({ onSlip: (s) => slips.push(s.text) }).push(readFileSync(file));
    expect(slips).toHaveLength(2);
    expect(slips[1]).toContain("Łucja Źdźbło");
  });
});

describe("printer problems", () => {
  it("refuses to print with the paper out and says so with PRINTER_ERROR", async () => {
    const vp = await virtualPrinter("paper");
    vp.state = "paper_out";
    const printer = printerOn(new TcpTransport("127.0.0.1", vp.port));
    const error = await printer.print(doc).catch((e) => e);
    expect(error).toBeInstanceOf(PrinterError);
    expect(error).toMatchObject({ code: "PRINTER_ERROR", details: { state: "paper_out" } });
    expect(vp.slips).toHaveLength(0);
    vp.state = "ok";
    await printer.print(doc);
    expect(vp.slips).toHaveLength(1);
  });

  it("reports a slip cut short when the paper ran out while printing", async () => {
    const vp = await virtualPrinter("midway");
    const printer = printerOn(new TcpTransport("127.0.0.1", vp.port));
    // The roll ends as this slip is cut: the status asked after printing says so.
    vp.slipsLeft = 1;
    const error = await printer.print(doc).catch((e) => e);
    expect(error).toMatchObject({ code: "PRINTER_ERROR", details: { state: "paper_out" } });
    expect(error.message).toContain("after printing");
  });

  it("prints with the paper near its end and reports it", async () => {
    const vp = await virtualPrinter("near");
    vp.state = "paper_near_end";
    const printer = printerOn(new TcpTransport("127.0.0.1", vp.port));
    await printer.print(doc);
    expect(vp.slips).toHaveLength(1);
    expect(printer.state.state).toBe("paper_near_end");
  });

  it("goes offline when the printer does not answer (printer.status required), and when nothing listens", async () => {
    const vp = await virtualPrinter("silent");
    vp.state = "offline";
    const printer = printerOn(new TcpTransport("127.0.0.1", vp.port));
    await printer.refreshStatus();
    expect(printer.state.state).toBe("offline");
    const port = vp.port;
    await vp.stop();
    const nobody = printerOn(new TcpTransport("127.0.0.1", port, 500));
    const error = await nobody.print(doc).catch((e) => e);
    expect(error).toMatchObject({ code: "PRINTER_ERROR", details: { state: "offline" } });
  });

  it("wraps node-thermal-printer's string rejections in PRINTER_ERROR", async () => {
    const failing: ByteTransport = {
      description: "broken",
      duplex: false,
      open: async () => {},
      // What node-thermal-printer's own interfaces do on a timeout: reject with a bare string.
      write: () => Promise.reject("Printer Error"),
      onData: () => () => {},
      close: async () => {},
    };
    const printer = printerOn(failing);
    const error = await printer.print(doc).catch((e) => e);
    expect(error).toBeInstanceOf(PrinterError);
    expect(error.message).toBe("Printer Error");
  });
});

describe("printer URIs", () => {
  it("picks the transport from the URI", () => {
    expect(transportFromUri("tcp://10.0.0.5", 9600).description).toBe("tcp://10.0.0.5:9100");
    expect(transportFromUri("serial:/dev/ttyUSB0?baud=19200", 38400).description).toBe("/dev/ttyUSB0 @ 19200");
    expect(transportFromUri("/dev/ttyAMA0", 38400).description).toBe("/dev/ttyAMA0 @ 38400");
    expect(transportFromUri("/dev/usb/lp0", 38400)).toBeInstanceOf(DeviceFileTransport);
  });
});
