/** The retry screen: shown when the gateway cannot be reached; the entered data stays until wipe. */
import { signal } from "@preact/signals";
import { NetworkError, OutOfServiceError } from "../api/http.ts";
import { enterOutOfService } from "./outOfService.ts";

export const offline = signal<null | { retry: () => Promise<void> }>(null);
export const retrying = signal(false);

/**
 * Runs a call to the gateway; when it cannot be reached, shows the retry screen whose button runs
 * the same call again; when it answers "out of service", the out-of-service screen. Other errors
 * are the caller's to explain.
 */
export async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
    offline.value = null;
  } catch (err) {
    if (err instanceof OutOfServiceError) {
      offline.value = null;
      enterOutOfService();
      return;
    }
    if (!(err instanceof NetworkError)) throw err;
    offline.value = {
      retry: async () => {
        retrying.value = true;
        try {
          await guarded(action);
        } finally {
          retrying.value = false;
        }
      },
    };
  }
}

export function resetNetwork(): void {
  offline.value = null;
  retrying.value = false;
}
