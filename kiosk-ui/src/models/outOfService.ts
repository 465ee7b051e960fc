/**
 * The out-of-service screen: the gateway answered that it cannot take applications (its disk is
 * full, its register is broken). The resident is sent to the office; the kiosk asks the gateway
 * every few seconds and, once it is back in service, returns to the start screen by itself.
 */
import { signal } from "@preact/signals";
import { kioskApi } from "../api/client.ts";

export const outOfService = signal(false);

/** How often the screen asks whether service is back (a cheap read on the loopback listener). */
export const SERVICE_POLL_MS = 3_000;

let onBack: () => void = () => {};
let timer: ReturnType<typeof setTimeout> | null = null;

/** What to do when service returns (the app wipes the abandoned flow: the resident went to the office). */
export function whenServiceReturns(action: () => void): void {
  onBack = action;
}

export function enterOutOfService(): void {
  if (outOfService.value) return;
  outOfService.value = true;
  schedule();
}

function schedule(): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => void poll(), SERVICE_POLL_MS);
}

async function poll(): Promise<void> {
  timer = null;
  try {
    if ((await kioskApi.service()).inService) {
      outOfService.value = false;
      onBack();
      return;
    }
  } catch {
    // not reachable or still out of service: ask again
  }
  schedule();
}
