/**
 * An HTTP fault proxy on 127.0.0.1 for sync tests: between a client and the gateway, or between
 * the gateway's push and a test office. Per request it passes, drops the request, drops the
 * response after the server applied it, duplicates it, replays a stale copy later (reordering),
 * delays it, cuts the connection mid-answer, or (when `down`) refuses everything.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = "pass" | "drop_request" | "drop_response" | "duplicate" | "reorder" | "delay" | "cut";
export const FAULTS: Fault[] = ["pass", "drop_request", "drop_response", "duplicate", "reorder", "delay", "cut"];

export interface FaultProxyOptions {
  target: string;
  decide?: (request: { method: string; path: string; n: number }) => Fault;
  delayMs?: number;
}

export interface FaultProxy {
  url: string;
  /** When true every connection is cut at once (the office is down / unreachable). */
  down: boolean;
  decide: (request: { method: string; path: string; n: number }) => Fault;
  stats: Record<Fault | "refused_down" | "upstream_errors", number>;
  stop(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"]);

/** A seeded random fault schedule (mulberry32), so a failing run can be repeated. */
export function randomFaults(seed: number, rate: number, faults: Fault[] = FAULTS.filter((f) => f !== "pass")) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (): Fault => (random() < rate ? faults[Math.floor(random() * faults.length)] : "pass");
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const stats = Object.fromEntries(
    [...FAULTS, "refused_down", "upstream_errors"].map((k) => [k, 0]),
  ) as FaultProxy["stats"];
  let n = 0;
  let stale: Array<() => Promise<unknown>> = [];

  const forward = async (req: IncomingMessage, body: Buffer): Promise<Upstream> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && typeof v === "string") headers[k] = v;
    const res = await fetch(new URL(req.url ?? "/", target), {
      method: req.method,
      headers,
      body: body.length > 0 ? new Uint8Array(body) : undefined,
    });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!HOP.has(k)) out[k] = v;
    });
    return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
  };

  const reply = (res: ServerResponse, upstream: Upstream) => {
    res.writeHead(upstream.status, { ...upstream.headers, "content-length": String(upstream.body.length) });
    res.end(upstream.body);
  };

  const proxy: FaultProxy = {
    url: "",
    down: false,
    decide: options.decide ?? (() => "pass"),
    stats,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
    },
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      if (proxy.down) {
        stats.refused_down++;
        req.socket.destroy();
        return;
      }
      const fault = proxy.decide({ method: req.method ?? "GET", path: req.url ?? "/", n: n++ });
      stats[fault]++;
      // Stale copies held back by an earlier "reorder" arrive after this newer request.
      const late = stale;
      stale = [];
      try {
        switch (fault) {
          case "drop_request":
            req.socket.destroy();
            break;
          case "drop_response":
            await forward(req, body);
            req.socket.destroy();
            break;
          case "duplicate": {
            await forward(req, body);
            reply(res, await forward(req, body));
            break;
          }
          case "reorder":
            reply(res, await forward(req, body));
            stale.push(() => forward(req, body));
            break;
          case "delay":
            await new Promise((r) => setTimeout(r, options.delayMs ?? 150));
            reply(res, await forward(req, body));
            break;
          case "cut": {
            const upstream = await forward(req, body);
            res.writeHead(upstream.status, {
              ...upstream.headers,
              "content-length": String(upstream.body.length + 10),
            });
            res.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)));
            setTimeout(() => req.socket.destroy(), 5);
            break;
          }
          default:
            reply(res, await forward(req, body));
        }
      } catch {
        stats.upstream_errors++;
        req.socket.destroy();
      }
      for (const copy of late) await copy().catch(() => stats.upstream_errors++);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
