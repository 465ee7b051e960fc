/**
 * The printer's state as the gateway sees it, from status answers and transport events.
 * A pure transition function plus a small holder that tells listeners about changes.
 */
import type { PrinterStatus } from "./status.ts";

export type PrinterState =
  | "unknown"
  | "ready"
  | "paper_near_end"
  | "printing"
  | "paper_out"
  | "cover_open"
  | "error"
  | "offline";

export type PrinterEvent =
  | { type: "status"; status: PrinterStatus }
  | { type: "no_answer" }
  | { type: "transport_error"; message: string }
  /** Status will not be read any more (printer.status auto gave up, or none): printable, unknown. */
  | { type: "write_only"; reason: string }
  | { type: "print_started" }
  | { type: "print_done" };

/** States in which a slip can be sent (near end still prints; someone should refill soon). */
export const PRINTABLE: ReadonlySet<PrinterState> = new Set(["ready", "paper_near_end", "unknown"]);

/** The most urgent problem wins: a closed cover with paper is "ready", an open one is not. */
export function stateFromStatus(s: PrinterStatus): PrinterState {
  if (s.coverOpen) return "cover_open";
  if (s.paperEnd) return "paper_out";
  if (s.cutterError || s.unrecoverableError || s.autoRecoverableError) return "error";
  if (!s.online) return "offline";
  if (s.paperNearEnd) return "paper_near_end";
  return "ready";
}

export function nextState(state: PrinterState, event: PrinterEvent): PrinterState {
  switch (event.type) {
    case "status":
      return stateFromStatus(event.status);
    case "no_answer":
    case "transport_error":
      return "offline";
    case "write_only":
      return "unknown";
    case "print_started":
      return PRINTABLE.has(state) ? "printing" : state;
    case "print_done":
      return state === "printing" ? "ready" : state;
  }
}

export interface StateChange {
  from: PrinterState;
  to: PrinterState;
  at: Date;
  detail?: string;
}

export class PrinterStateMachine {
  private current: PrinterState = "unknown";
  private changedAt: Date;
  private lastDetail: string | undefined;
  lastStatus: PrinterStatus | null = null;
  private readonly listeners = new Set<(change: StateChange) => void>();

  constructor(private readonly now: () => Date) {
    this.changedAt = now();
  }

  get state(): PrinterState {
    return this.current;
  }

  get since(): Date {
    return this.changedAt;
  }

  get detail(): string | undefined {
    return this.lastDetail;
  }

  get canPrint(): boolean {
    return PRINTABLE.has(this.current);
  }

  onChange(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispatch(event: PrinterEvent): PrinterState {
    if (event.type === "status") this.lastStatus = event.status;
    const to = nextState(this.current, event);
    this.lastDetail =
      event.type === "transport_error"
        ? event.message
        : event.type === "no_answer"
          ? "no status answer"
          : event.type === "write_only"
            ? `write-only: ${event.reason}`
            : undefined;
    if (to !== this.current) {
      const change: StateChange = { from: this.current, to, at: this.now(), detail: this.lastDetail };
      this.current = to;
      this.changedAt = change.at;
      for (const listener of this.listeners) listener(change);
    }
    return to;
  }
}
