/**
 * Wires the receipts part at start-up: the kiosk key, the printer (a device URI, or "virtual":
 * the simulator in-process, printed to over TCP, slips under `<dataDir>/printer/`), the
 * service, the reprint worker and the `printer` health probe.
 */
import { join } from "node:path";
import { codePageTable, resolveProfile } from "../../drivers/printer/profiles.ts";
import { ReceiptPrinter } from "../../drivers/printer/receiptPrinter.ts";
import { transportFromUri } from "../../drivers/printer/transports.ts";
import { VirtualPrinter } from "../../drivers/printer/virtual/virtualPrinter.ts";
import type { BaseContext } from "../context.ts";
import type { Part } from "../lifecycle.ts";
import { type KioskKey, loadOrCreateKioskKey } from "./kioskKey.ts";
import { ReceiptNumbers } from "./receiptNumbers.ts";
import { KioskReceipts } from "./receiptService.ts";
import { ReprintWorker } from "./reprintWorker.ts";

export interface ReceiptsPart extends Part<KioskReceipts> {
  name: "receipts";
  key: KioskKey;
  printer: ReceiptPrinter;
  worker: ReprintWorker;
  /** Set when `printer.uri` is "virtual". */
  virtualPrinter: VirtualPrinter | null;
  stop(): Promise<void>;
}

export async function startReceipts(ctx: BaseContext): Promise<ReceiptsPart> {
  const { config, logger, clock } = ctx;
  const key = loadOrCreateKioskKey(ctx);
  let virtualPrinter: VirtualPrinter | null = null;
  let uri = config.printer.uri;
  const profile = resolveProfile(config.printer.profile, { codePage: config.printer.codePage, qr: config.printer.qr });
  if (uri === "virtual") {
    virtualPrinter = new VirtualPrinter({
      outDir: join(config.dataDir, "printer"),
      widthMm: config.printer.widthMm,
      codePages: codePageTable(profile),
    });
    await virtualPrinter.start();
    uri = virtualPrinter.uri;
    logger.info({ uri, outDir: join(config.dataDir, "printer") }, "virtual printer started");
  }
  const printer = new ReceiptPrinter({
    transport: transportFromUri(uri, config.printer.baud),
    widthMm: config.printer.widthMm,
    now: () => clock.now(),
    statusMode: config.printer.status,
    writeTimeoutMs: config.printer.writeTimeoutSeconds * 1000,
    profile,
  });
  const service = new KioskReceipts({ ...ctx, key, printer, numbers: new ReceiptNumbers(config.dataDir) });
  const worker = new ReprintWorker({
    printer,
    receipts: service,
    logger,
    now: () => clock.now(),
    pollMs: config.printer.pollSeconds * 1000,
    reprintWindowMs: config.printer.reprintWindowMinutes * 60_000,
  });
  ctx.health.register("printer", () => worker.health());
  worker.start();
  return {
    name: "receipts",
    service,
    key,
    printer,
    worker,
    virtualPrinter,
    async stop() {
      await worker.stop();
      // A slip being printed finishes (or fails and is recorded) before the database closes.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([service.settle(), new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      await printer.close();
      await virtualPrinter?.stop();
    },
  };
}
