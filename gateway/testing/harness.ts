/** Test harness: a real gateway on a temporary data directory with a manual clock. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../clock.ts";
import { type Config, validateConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { type Gateway, startGateway } from "../runtime.ts";

export interface TestGateway extends Gateway {
  clock: ManualClock;
  dataDir: string;
  config: Config;
  /** JSON request against the listener's app that serves the path (no network). */
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes, checked by each test's assertions
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  dispose(): Promise<void>;
}

export async function startTestGateway(
  overrides: Record<string, unknown> = {},
  options: { now?: string; demo?: boolean } = {},
): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), "ekor-test-"));
  // Hashing at normal priority: on a machine busy with other tests, nice threads would crawl.
  // gateway/hashingUnderFlood.test.ts proves the production priority.
  const hashing = { nice: 0, ...(overrides.hashing as object | undefined) };
  const config = validateConfig({ demo: options.demo ?? true, dataDir, logLevel: "silent", ...overrides, hashing });
  const clock = new ManualClock(options.now ?? "2026-03-02T10:00:00Z");
  const gateway = await startGateway(config, { clock, logger: createLogger("silent") });
  return {
    ...gateway,
    clock,
    dataDir,
    config,
    async json(method, path, body) {
      // Paths under /office belong to the office listener, everything else to the kiosk's.
      const app = path.startsWith("/office") ? gateway.officeApp : gateway.app;
      const res = await app.request(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    },
    async dispose() {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
