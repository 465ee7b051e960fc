/** The retry screen: shown when the gateway cannot be reached; the entered data stays until wipe. */
import { signal } from "@preact/signals";
import { NetworkError } from "../api/http.ts";

export const offline = signal<null | { retry: () => Promise<void> }>(null);
export const retrying = signal(false);

/**
 * Runs a call to the gateway; when it cannot be reached, shows the retry screen whose button runs
 * the same call again. Other errors are the caller's to explain.
 */
export async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
    offline.value = null;
  } catch (err) {
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
