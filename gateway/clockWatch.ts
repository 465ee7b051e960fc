/**
 * Watches the steady clock for a step of the system clock and takes it in: stored deadlines
 * are moved in one transaction, the kiosk sessions held in memory with them, and only then does
 * the clock follow the wall clock again (see SteadyClock). Checked every `intervalMs`; until a
 * step is taken in, `now()` keeps the old timeline, so nothing expires or unlocks in between.
 */
import type { SteadyClock } from "./clock.ts";
import type { CoreDeps } from "./deps.ts";
import type { KioskSessions } from "./services/kioskSessions.ts";
import { takeClockStep } from "./services/takeClockStep.ts";

export function startClockWatch(
  deps: Pick<CoreDeps, "db" | "logger">,
  clock: SteadyClock,
  sessions: KioskSessions,
  intervalMs = 1_000,
) {
  const check = () => {
    const step = clock.pendingStep();
    if (!step) return;
    try {
      takeClockStep(deps, step);
      sessions.shift(step.stepMs);
      clock.takeStep();
    } catch (err) {
      // The old timeline goes on; the next check tries again.
      deps.logger.error({ err }, "taking in a clock step failed");
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref?.();
  return { name: "clock-watch", stop: () => clearInterval(timer), check };
}
