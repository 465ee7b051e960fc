/** Where the resident is: the mode chosen on Start and the current step, with an in-memory Back trail. */
import { signal } from "@preact/signals";

export type Mode = "enrol" | "update" | "withdraw" | "status";
export type Step =
  | "start"
  | "building"
  | "staircase"
  | "flat"
  | "surname"
  | "ownerCode"
  | "channels"
  | "email"
  | "mobile"
  | "consent"
  | "verify"
  | "summary"
  | "done"
  | "withdraw"
  | "withdrawConfirm"
  | "status";

export const mode = signal<Mode>("enrol");
export const step = signal<Step>("start");
/** Steps to return to with Back; never the browser history (the URL stays constant). */
const trail = signal<Step[]>([]);

export function begin(chosen: Mode): void {
  mode.value = chosen;
  trail.value = ["start"];
  step.value = "building";
}

export function go(next: Step): void {
  trail.value = [...trail.value, step.value];
  step.value = next;
}

/** Replaces the current step without making it a Back target (after an irreversible action). */
export function replace(next: Step, keepTrail = false): void {
  if (!keepTrail) trail.value = [];
  step.value = next;
}

export function back(): Step {
  const previous = trail.value[trail.value.length - 1] ?? "start";
  trail.value = trail.value.slice(0, -1);
  step.value = previous;
  return previous;
}

export function resetFlow(): void {
  mode.value = "enrol";
  trail.value = [];
  step.value = "start";
}
