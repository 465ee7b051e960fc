/** A background part of the gateway (worker, reader, daemon): started once, stopped in reverse order. */
export interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}
