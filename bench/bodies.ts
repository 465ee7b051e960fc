/**
 * Big bodies against a real gateway process: its resident memory (VmRSS) before and at the peak
 * while 8 clients each push 60 MB at once, (a) unsigned to the office API with Content-Length,
 * (b) chunked to the kiosk API. The gateway must refuse them before reading: the peak stays
 * near the baseline instead of growing by the bodies' size.
 * Run: `npx bun bench/bodies.ts` (BENCH_CLIENTS=8, BENCH_MB=60; BENCH_ROOT=another checkout
 * measures that one, e.g. the commit before the fix).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../gateway/testing/local.ts";
import { loadLine } from "./machine.ts";

// Memory, not speed: measured on a busy machine too (the peak does not depend on load), but the
// load is printed before and after like every bench's.
console.log(`[bodies] before: ${loadLine()}`);
process.on("exit", () => console.log(`[bodies] after:  ${loadLine()}`));

const ROOT = resolve(process.env.BENCH_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const MB = Number(process.env.BENCH_MB ?? 60);

const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

function push(url: string, method: string, chunked: boolean): Promise<{ status: number; sentMiB: number }> {
  const total = MB * 1024 * 1024;
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  return new Promise((ok) => {
    let sent = 0;
    let answered = false;
    const req = request(url, {
      method,
      headers: { "content-type": "application/json", ...(chunked ? {} : { "content-length": String(total) }) },
    });
    const done = (status: number) => {
      if (answered) return;
      answered = true;
      ok({ status, sentMiB: sent / 1024 / 1024 });
      req.destroy();
    };
    req.on("response", (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on("error", () => done(0));
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

async function round(pid: number, label: string, url: string, method: string, chunked: boolean) {
  const before = rssMiB(pid);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid));
  }, 10);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: CLIENTS }, () => push(url, method, chunked)));
  await new Promise((r) => setTimeout(r, 300));
  clearInterval(sampler);
  const statuses = [...new Set(results.map((r) => r.status))].join(",");
  const sent = results.reduce((sum, r) => sum + r.sentMiB, 0);
  console.log(
    `${label.padEnd(40)} RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MiB (+${(peak - before).toFixed(0)}), ` +
      `status ${statuses}, clients sent ${sent.toFixed(0)} MiB in ${(performance.now() - started).toFixed(0)} ms`,
  );
}

const dataDir = mkdtempSync(join(tmpdir(), "ekor-bench-bodies-"));
const port = await freePort();
const child: ChildProcess = spawn(join(ROOT, "node_modules/.bin/bun"), [join(ROOT, "gateway/main.ts"), "--demo"], {
  cwd: ROOT,
  env: {
    ...process.env,
    PORT: String(port),
    OFFICE_PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_LEVEL: "error",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
let output = "";
child.stdout?.on("data", (d) => {
  output += d;
});
try {
  const until = Date.now() + 60_000;
  while (!output.includes("Health:")) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`gateway did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const office = /Office API:\s+(\S+)/.exec(output)?.[1]?.replace(/\/office\/v1\/?$/, "") ?? `http://127.0.0.1:${port}`;
  const kiosk = `http://127.0.0.1:${port}`;
  await new Promise((r) => setTimeout(r, 1000));
  console.log(`[bodies] gateway ${ROOT}, ${CLIENTS} clients × ${MB} MB`);
  const pid = child.pid as number;
  await round(pid, "unsigned PUT /office/v1/owners (length)", `${office}/office/v1/owners`, "PUT", false);
  await round(pid, "unsigned PUT /office/v1/owners (chunked)", `${office}/office/v1/owners`, "PUT", true);
  await round(pid, "POST /api/v1/contacts/check (length)", `${kiosk}/api/v1/contacts/check`, "POST", false);
  await round(pid, "POST /api/v1/contacts/check (chunked)", `${kiosk}/api/v1/contacts/check`, "POST", true);
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });
}
