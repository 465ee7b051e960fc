/** The identified owner's kiosk session (token from /kiosk/identify), and its idempotency key. */
import { signal } from "@preact/signals";
import type { Identified, StatusView } from "../api/types.ts";

export const identified = signal<Identified | null>(null);
/** One key per kiosk session: a double tap or a retry never creates a second enrolment. */
export const idempotencyKey = signal<string>(newKey());

export function newKey(): string {
  return crypto.randomUUID();
}

export function setStatus(status: StatusView): void {
  if (identified.value) identified.value = { ...identified.value, status };
}

export function resetSession(): void {
  identified.value = null;
  idempotencyKey.value = newKey();
}
