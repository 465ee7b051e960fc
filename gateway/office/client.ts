/**
 * A signed HTTP client for the office API (used by the reference CLI, the push sync's twin in
 * tests, and the benchmarks). It corrects its own clock from a `timestamp_skew` answer and
 * retries transport failures and 5xx with backoff; every retry is a new nonce, and every office
 * endpoint is idempotent, so a retry after a lost response is safe.
 */
import { backoffMs } from "../../drivers/backoff.ts";
import { signRequest } from "./signing.ts";

export interface OfficeKey {
  keyId: string;
  secret: string;
}

export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8081/office/v1` */
  baseUrl: string;
  key: OfficeKey;
  /** Seconds added to the local clock (tests skew it on purpose; the client corrects it). */
  clockOffsetSeconds?: number;
  retries?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export class OfficeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = "OfficeApiError";
  }
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON of a successful answer when asked for (`text` is then empty). */
  data?: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class OfficeClient {
  clockOffsetSeconds: number;
  private readonly base: URL;
  /** Attempts that failed on the network or with 5xx and were retried (for tests and progress). */
  retried = 0;

  constructor(private readonly options: ClientOptions) {
    this.clockOffsetSeconds = options.clockOffsetSeconds ?? 0;
    this.base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
  }

  private nowSeconds(): number {
    return (this.options.now ?? Date.now)() / 1000 + this.clockOffsetSeconds;
  }

  /** One signed request; answers the raw response (any status) after transport retries. */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    parse = false,
  ): Promise<RawResponse> {
    const url = new URL(path.replace(/^\//, ""), this.base);
    const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    const retries = this.options.retries ?? 8;
    let skewCorrected = false;
    for (let attempt = 0; ; attempt++) {
      const signed = signRequest(
        this.options.key,
        { method, pathWithQuery: url.pathname + url.search, body: text },
        this.nowSeconds(),
      );
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: { ...signed, ...(text ? { "content-type": "application/json" } : {}), ...headers },
          body: text || undefined,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
      } catch (err) {
        if (attempt >= retries) throw err;
        this.retried++;
        await sleep(backoffMs(attempt + 1, { baseMs: this.options.retryBaseMs ?? 100, maxMs: 30_000 }));
        continue;
      }
      let answer = "";
      let data: unknown;
      try {
        // Success with JSON: parse straight from the bytes (the bulk pull's hot path).
        if (parse && response.ok && (response.headers.get("content-type") ?? "").includes("json")) {
          data = await response.json();
        } else answer = await response.text();
      } catch (err) {
        // The connection was cut mid-answer: the server may have applied it; retrying is safe.
        if (attempt >= retries) throw err;
        this.retried++;
        await sleep(backoffMs(attempt + 1, { baseMs: this.options.retryBaseMs ?? 100, maxMs: 30_000 }));
        continue;
      }
      if (response.status === 401) {
        const parsed = safeJson(answer) as { error?: { code?: string }; server_time?: number } | undefined;
        if (!skewCorrected && parsed?.error?.code === "timestamp_skew" && typeof parsed.server_time === "number") {
          this.clockOffsetSeconds += parsed.server_time - this.nowSeconds();
          skewCorrected = true;
          continue;
        }
        // A network duplicate of this very request got there first; every endpoint is
        // idempotent, so asking again with a new nonce returns the answer it produced.
        if (parsed?.error?.code === "replayed" && attempt < retries) {
          this.retried++;
          continue;
        }
      }
      if (response.status >= 500 && attempt < retries) {
        this.retried++;
        await sleep(backoffMs(attempt + 1, { baseMs: this.options.retryBaseMs ?? 100, maxMs: 30_000 }));
        continue;
      }
      return { status: response.status, headers: response.headers, text: answer, data };
    }
  }

  /** A signed request that must succeed (2xx); answers the parsed JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: callers name the answer type they expect
  async json<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body, {}, true);
    if (res.data !== undefined) return res.data as T;
    const parsed = safeJson(res.text) as { error?: { code?: string; message?: string } } | undefined;
    if (res.status < 200 || res.status >= 300) throw apiError(res, parsed);
    return parsed as T;
  }

  /**
   * Follows a cursor-paged GET and asks for the next page while the current one is parsed and
   * used: the cursor is read from the answer's last bytes (`…"next_cursor":n,…,"has_more":b}`), so
   * the gateway builds page n+1 while this process parses page n. An answer that does not end
   * that way is parsed first and followed from its `next_cursor`.
   */
  async *pages<T extends { next_cursor: number; has_more: boolean }>(
    pathAfter: (after: number) => string,
    after: number,
  ): AsyncGenerator<T> {
    let next: Promise<string> | undefined = this.okText(pathAfter(after));
    try {
      while (next) {
        const text: string = await next;
        const tail = PAGE_TAIL.exec(text.slice(-200));
        next = tail?.[2] === "true" ? this.okText(pathAfter(Number(tail[1]))) : undefined;
        const page = JSON.parse(text) as T;
        if (!tail && page.has_more) next = this.okText(pathAfter(page.next_cursor));
        yield page;
      }
    } finally {
      // The caller stopped early: the page asked for ahead is not wanted (nor its failure).
      next?.catch(() => {});
    }
  }

  private async okText(path: string): Promise<string> {
    const res = await this.raw("GET", path);
    if (res.status < 200 || res.status >= 300) throw apiError(res, safeJson(res.text) as ErrorBody | undefined);
    return res.text;
  }
}

const PAGE_TAIL = /"next_cursor":(\d+)[^{}[\]"]*(?:"[\w]+":[^{}[\],]*,)*"has_more":(true|false)\}\s*$/;

type ErrorBody = { error?: { code?: string; message?: string } };

function apiError(res: RawResponse, parsed: ErrorBody | undefined): OfficeApiError {
  return new OfficeApiError(
    res.status,
    parsed?.error?.code ?? "http_error",
    parsed?.error?.message ?? res.text.slice(0, 200),
    parsed,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
