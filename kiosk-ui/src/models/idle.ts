/**
 * The idle timer: a warning with a countdown after `warnSeconds` without a touch, a wipe after
 * `wipeSeconds`. Any touch before the wipe starts the count again. Uses the global timers so
 * tests drive it with fake timers.
 */
import { type Signal, signal } from "@preact/signals";

export interface IdleTimer {
  /** True while the warning is shown. */
  readonly warning: Signal<boolean>;
  /** Whole seconds left until the wipe while warning. */
  readonly secondsLeft: Signal<number>;
  /** Call on every touch or key press. */
  touch(): void;
  /** Starts counting (idempotent). */
  start(): void;
  /** Stops counting and hides the warning. */
  stop(): void;
  readonly running: boolean;
}

export function createIdleTimer(options: {
  warnSeconds: () => number;
  wipeSeconds: () => number;
  onWipe: () => void;
}): IdleTimer {
  const warning = signal(false);
  const secondsLeft = signal(0);
  let lastTouch = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  function schedule(ms: number) {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, ms));
  }

  function check() {
    timer = undefined;
    if (!running) return;
    const idleMs = Date.now() - lastTouch;
    const warnMs = options.warnSeconds() * 1000;
    const wipeMs = options.wipeSeconds() * 1000;
    if (idleMs >= wipeMs) {
      stop();
      options.onWipe();
      return;
    }
    if (idleMs >= warnMs) {
      warning.value = true;
      secondsLeft.value = Math.ceil((wipeMs - idleMs) / 1000);
      // Tick on whole seconds of the remaining time so the countdown never skips a number.
      schedule(((wipeMs - idleMs) % 1000 || 1000) + 0);
      return;
    }
    warning.value = false;
    schedule(warnMs - idleMs);
  }

  function touch() {
    lastTouch = Date.now();
    if (!running) return;
    warning.value = false;
    check();
  }

  function start() {
    if (running) return;
    running = true;
    lastTouch = Date.now();
    check();
  }

  function stop() {
    running = false;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    warning.value = false;
    secondsLeft.value = 0;
  }

  return {
    warning,
    secondsLeft,
    touch,
    start,
    stop,
    get running() {
      return running;
    },
  };
}
