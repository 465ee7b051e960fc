/**
 * Fetch with a timeout, and the two ways a call fails: the gateway answered with an error code
 * (ApiError, the UI switches on `code`), or it could not be reached in time (NetworkError → retry screen).
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly details: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = "ApiError";
  }
}

export class NetworkError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "NetworkError";
  }
}

/**
 * The gateway answered but cannot take anything now (its disk is full, its register is broken):
 * not the resident's fault and not a retry away, so the kiosk shows its out-of-service screen.
 */
export class OutOfServiceError extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = "OutOfServiceError";
  }
}

/** The gateway's codes for "out of service until a technician or the disk recovers". */
const OUT_OF_SERVICE_CODES = new Set(["OUT_OF_SERVICE", "REGISTER_BROKEN"]);

export const REQUEST_TIMEOUT_MS = 12_000;

/** Used as the hc client's fetch: aborts slow requests, turns transport failures into NetworkError. */
export async function timedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch(input, { ...init, signal: controller.signal, cache: "no-store" });
    // A proxy or a restarting gateway answers 502/503/504 without our error body.
    if (res.status === 502 || res.status === 504) throw new NetworkError(`gateway ${res.status}`);
    return res;
  } catch (err) {
    if (err instanceof NetworkError) throw err;
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a JSON answer, throwing ApiError for our `{ error: { code } }` shape. */
/** What unwrap needs from a response (a fetch Response or an hc ClientResponse). */
type ResponseLike = { status: number; ok: boolean; json(): Promise<unknown> };

export async function unwrap<T>(response: Promise<ResponseLike> | ResponseLike): Promise<T> {
  const res = await response;
  if (res.status === 204) return undefined as T;
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    if (res.ok) return undefined as T;
    if (res.status >= 500) throw new NetworkError(`gateway ${res.status}`);
    throw new ApiError("INTERNAL", res.status);
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; details?: Record<string, unknown> } }).error;
    if (res.status === 503 && error?.code && OUT_OF_SERVICE_CODES.has(error.code))
      throw new OutOfServiceError(error.code);
    if (res.status === 503 && (!error || error.code === "UNAVAILABLE")) throw new NetworkError("gateway unavailable");
    throw new ApiError(error?.code ?? "INTERNAL", res.status, error?.details ?? {});
  }
  return body as T;
}
