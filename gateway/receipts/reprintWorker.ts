/**
 * Keeps an eye on the printer: polls its status (so /healthz shows paper and cover without a
 * print), logs state changes for the office, and reprints failed slips once it is ready again —
 * only recent ones, so a slip never comes out hours later in an empty lobby.
 */
import type { ReceiptPrinter } from "../../drivers/printer/receiptPrinter.ts";
import type { PartHealth } from "../health.ts";
import type { Logger } from "../logger.ts";
import type { KioskReceipts } from "./receiptService.ts";

export interface ReprintWorkerOptions {
  printer: ReceiptPrinter;
  receipts: KioskReceipts;
  logger: Logger;
  now: () => Date;
  pollMs: number;
  reprintWindowMs: number;
}

export class ReprintWorker {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(private readonly o: ReprintWorkerOptions) {
    o.printer.state.onChange((change) => {
      const level =
        change.to === "paper_out" || change.to === "cover_open" || change.to === "offline" ? "warn" : "info";
      o.logger[level]({ from: change.from, to: change.to, detail: change.detail }, `printer ${change.to}`);
    });
  }

  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = null;
        this.schedule(this.o.pollMs);
      });
    }, ms);
  }

  /** One round: refresh the status, then retry recent failed slips while the printer can print. */
  async tick(): Promise<number> {
    let reprinted = 0;
    await this.o.printer.refreshStatus();
    if (!this.o.printer.state.canPrint) return 0;
    const since = new Date(this.o.now().getTime() - this.o.reprintWindowMs);
    for (const number of this.o.receipts.failedSince(since)) {
      if (this.stopped) break;
      const outcome = await this.o.receipts.print(number);
      if (outcome.status !== "printed") break;
      reprinted++;
    }
    return reprinted;
  }

  health(): PartHealth {
    const { state } = this.o.printer;
    const s = state.state;
    const { writeOnly, statusMode } = this.o.printer;
    // A write-only line (a plain file, or printer.status none) never reports a state: how it is
    // wired, not a fault. `auto` giving up on a printer that should answer is worth a look.
    const blind = s === "unknown" && !this.o.printer.readsStatus && (writeOnly === null || statusMode === "none");
    const status =
      s === "ready" || s === "printing" || blind
        ? "ok"
        : s === "paper_near_end" || s === "unknown"
          ? "degraded"
          : "down";
    const paper = state.lastStatus
      ? state.lastStatus.paperEnd
        ? "out"
        : state.lastStatus.paperNearEnd
          ? "near_end"
          : "ok"
      : "unknown";
    return {
      status,
      state: s,
      since: state.since.toISOString(),
      paper,
      coverOpen: state.lastStatus?.coverOpen ?? null,
      transport: this.o.printer.description,
      readsStatus: this.o.printer.readsStatus,
      statusMode,
      ...(writeOnly ? { writeOnly } : {}),
      widthMm: this.o.printer.widthMm,
      queuedForReprint: this.o.receipts.countFailed(),
      ...(state.detail ? { detail: state.detail } : {}),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
