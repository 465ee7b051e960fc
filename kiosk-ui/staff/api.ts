/**
 * The console's calls to its API (`/office/api`) through the typed `hc` client, so the console and
 * the gateway's routes (gateway/routes/staff.ts `StaffApi`) cannot drift. The session cookie
 * travels by itself; changes carry the CSRF token. Errors are the kiosk's: `ApiError` with the
 * gateway's code and the HTTP status, `NetworkError` when the gateway cannot be reached.
 */
import { signal } from "@preact/signals";
import { hc, type InferResponseType } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { StaffApi } from "../../gateway/routes/staff.ts";
import { ApiError, NetworkError, unwrap } from "../src/api/http.ts";

export { ApiError, NetworkError };

export const csrfToken = signal<string | null>(null);

async function consoleFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if ((init.method ?? "GET") !== "GET" && csrfToken.value) headers.set("x-csrf-token", csrfToken.value);
  try {
    return await fetch(input, { ...init, headers, credentials: "same-origin", cache: "no-store" });
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  }
}

export const staffApi = hc<StaffApi>("/office/api", { fetch: consoleFetch });

// biome-ignore lint/suspicious/noExplicitAny: any endpoint function of the client
type Endpoint = (...args: any[]) => Promise<{ status: number; ok: boolean; json(): Promise<unknown> }>;

/** The body of an endpoint's successful answer, as the gateway's route declares it. */
export type Answer<E extends Endpoint> = InferResponseType<E, SuccessStatusCode>;

/** Calls an endpoint of `staffApi`: its successful answer, or ApiError / NetworkError. */
export function call<E extends Endpoint>(endpoint: E, ...args: Parameters<E>): Promise<Answer<E>> {
  return unwrap<Answer<E>>(endpoint(...args));
}
