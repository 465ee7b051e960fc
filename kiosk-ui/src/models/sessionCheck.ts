/**
 * A lapsed kiosk session is found when the resident comes back to the flow (a new step, "I am
 * still here", the screen shown again), not at the final tap after everything was typed.
 */
import { signal } from "@preact/signals";
import { kioskApi } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { identified } from "./session.ts";

export const sessionLapsed = signal(false);

export function markSessionLapsed(): void {
  sessionLapsed.value = true;
}

/** Asks the gateway whether the session still stands (this also keeps it alive). */
export async function checkSession(): Promise<void> {
  const session = identified.value?.session;
  if (!session || sessionLapsed.value) return;
  try {
    await kioskApi.status(session);
  } catch (err) {
    // Only the gateway saying "no such session" ends the flow; a network problem shows up on the next call.
    if (err instanceof ApiError && err.code === "UNAUTHORIZED" && identified.value?.session === session)
      markSessionLapsed();
  }
}

export function resetSessionCheck(): void {
  sessionLapsed.value = false;
}
