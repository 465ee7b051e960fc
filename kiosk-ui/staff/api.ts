/** Calls to the console API (`/office/api`): the session cookie travels by itself, changes carry the CSRF token. */
import { signal } from "@preact/signals";

export const csrfToken = signal<string | null>(null);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken.value) headers["x-csrf-token"] = csrfToken.value;
  const res = await fetch(`/office/api${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? "ERROR", data?.error?.details ?? {});
  return data as T;
}
