import type { Server } from "bun";
import { afterEach, describe, expect, it } from "vitest";
import { OfficeApiError, OfficeClient } from "./client.ts";

// A cursor-paged endpoint of 3 pages (after=0 → 10 → 20 → 30) that records when each page was asked for.
let server: Server<undefined> | undefined;
afterEach(() => server?.stop(true));

function pagedServer(asked: { after: number; at: number }[], failAfter?: number) {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const after = Number(new URL(request.url).searchParams.get("after"));
      asked.push({ after, at: performance.now() });
      if (after === failAfter) return Response.json({ error: { code: "busy", message: "no" } }, { status: 409 });
      const next = after + 10;
      return new Response(`{"events":[${after}],"next_cursor":${next},"head_seq":30,"has_more":${next < 30}}`, {
        headers: { "content-type": "application/json" },
      });
    },
  });
  return new OfficeClient({ baseUrl: `http://127.0.0.1:${server.port}/office/v1`, key: { keyId: "k", secret: "s" } });
}

describe("OfficeClient.pages", () => {
  it("asks for the next page while the caller is still using the current one", async () => {
    const asked: { after: number; at: number }[] = [];
    const client = pagedServer(asked);
    const used: number[][] = [];
    const finishedUsing: number[] = [];
    for await (const page of client.pages<{ events: number[]; next_cursor: number; has_more: boolean }>(
      (after) => `register/events?after=${after}`,
      0,
    )) {
      await Bun.sleep(60);
      used.push(page.events);
      finishedUsing.push(performance.now());
    }
    expect(used).toEqual([[0], [10], [20]]);
    expect(asked.map((a) => a.after)).toEqual([0, 10, 20]);
    // Page 2 was asked for before page 1 had been used, page 3 before page 2.
    expect(asked[1].at).toBeLessThan(finishedUsing[0]);
    expect(asked[2].at).toBeLessThan(finishedUsing[1]);
  });

  it("throws the gateway's error for a failed page", async () => {
    const client = pagedServer([], 10);
    const pages = client.pages<{ events: number[]; next_cursor: number; has_more: boolean }>(
      (after) => `register/events?after=${after}`,
      0,
    );
    const seen: number[][] = [];
    await expect(
      (async () => {
        for await (const page of pages) seen.push(page.events);
      })(),
    ).rejects.toBeInstanceOf(OfficeApiError);
    expect(seen).toEqual([[0]]);
  });
});
