/**
 * The gateway's one lifecycle. Every background part (workers, readers, devices, daemons) is
 * started with what it needs and answers `{ service, stop }`; the runtime builds the context
 * from the services once every part has started (so no field of it is optional), and stops the
 * parts in reverse order. A part that fails to start stops the ones started before it.
 */
import type { Logger } from "./logger.ts";

/** Something started once and stopped once (a timer, a worker, a listener). */
export interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

/** A started part: the service it offers the rest of the gateway, and how to stop it. */
export interface Part<Service> extends Stoppable {
  service: Service;
}

/** The parts started so far, in start order. */
export class Lifecycle {
  private readonly started: Stoppable[] = [];
  private stopping: Promise<void> | null = null;

  constructor(private readonly logger: Logger) {}

  /** Records a started part so that `stop()` stops it; answers the part itself. */
  add<P extends Stoppable>(part: P): P {
    this.started.push(part);
    return part;
  }

  get parts(): readonly Stoppable[] {
    return this.started;
  }

  /**
   * Stops every part once, newest first; a part that fails to stop is logged and the rest
   * still stop. Calling it again waits for the same stop.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    for (const part of [...this.started].reverse()) {
      try {
        await part.stop();
      } catch (err) {
        this.logger.warn({ err, part: part.name }, "part failed to stop cleanly");
      }
    }
  }
}
