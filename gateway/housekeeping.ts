/**
 * The periodic clean-up started with the gateway: prunes the tables that grow with use every
 * `housekeeping.intervalSeconds` (and once at start), stopped on shutdown. Time comes from the
 * injected clock, so tests move it instead of waiting.
 */
import type { CoreDeps } from "./deps.ts";
import { pruneExpired } from "./services/pruneExpired.ts";

export function startHousekeeping(deps: Pick<CoreDeps, "db" | "clock" | "config" | "logger">) {
  const run = () => {
    try {
      const pruned = pruneExpired(deps);
      if (Object.values(pruned).some((n) => n > 0)) deps.logger.info({ pruned }, "expired rows pruned");
    } catch (err) {
      deps.logger.warn({ err }, "pruning expired rows failed");
    }
  };
  run();
  const timer = setInterval(run, deps.config.housekeeping.intervalSeconds * 1000);
  timer.unref?.();
  return { name: "housekeeping", stop: () => clearInterval(timer) };
}
