import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, NetworkError, OutOfServiceError, REQUEST_TIMEOUT_MS, timedFetch, unwrap } from "./http.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("talking to the gateway", () => {
  it("gives up on a gateway that does not answer in time, as a network problem", async () => {
    vi.useFakeTimers();
    vi.stubGlobal(
      "fetch",
      (_input: unknown, init: RequestInit) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(new Error("aborted")))),
    );
    const call = timedFetch("/api/v1/kiosk/config");
    const outcome = expect(call).rejects.toBeInstanceOf(NetworkError);
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS + 1);
    await outcome;
  });

  it("treats an unreachable gateway and a proxy's 502 as network problems", async () => {
    vi.stubGlobal("fetch", () => Promise.reject(new TypeError("Failed to fetch")));
    await expect(timedFetch("/x")).rejects.toBeInstanceOf(NetworkError);
    vi.stubGlobal("fetch", () => Promise.resolve(new Response("Bad gateway", { status: 502 })));
    await expect(timedFetch("/x")).rejects.toBeInstanceOf(NetworkError);
  });

  it("turns the gateway's error body into a coded ApiError with details", async () => {
    const err = await unwrap<never>(
      json(403, { error: { code: "IDENTIFY_FAILED", message: "x", details: { attemptsLeft: 2 } } }),
    ).catch((e: ApiError) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("IDENTIFY_FAILED");
    expect(err.details).toEqual({ attemptsLeft: 2 });
    await expect(unwrap(json(503, { error: { code: "UNAVAILABLE", message: "x" } }))).rejects.toBeInstanceOf(
      NetworkError,
    );
    expect(await unwrap(json(201, { id: "v1" }))).toEqual({ id: "v1" });
    expect(await unwrap(new Response(null, { status: 204 }))).toBeUndefined();
  });

  it("tells a gateway that is out of service (full disk, broken register) from one that is unreachable", async () => {
    for (const code of ["OUT_OF_SERVICE", "REGISTER_BROKEN"]) {
      const err = await unwrap<never>(json(503, { error: { code, message: "out of service" } })).catch((e) => e);
      expect(err).toBeInstanceOf(OutOfServiceError);
      expect(err).not.toBeInstanceOf(NetworkError);
    }
  });
});
