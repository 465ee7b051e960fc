/**
 * Abuse bench: does a flood of staff logins and owner identifications (both hash with scrypt)
 * slow the kiosk down? In one run, against a real gateway process:
 *   reference: GET /api/v1/kiosk/config, one after another, p50 and p95, nothing else running;
 *   flood:     the same measure while `FLOOD` concurrent clients send wrong staff passwords and
 *              `FLOOD` send wrong owner codes (the throttles are relaxed so every request hashes).
 * Rounds interleave reference and flood back to back; the result is the median of per-round
 * ratios flood / reference. Target ≤ 2×. Run: `npx bun bench/abuse.ts [--force]`
 * (BENCH_ROUNDS=5, BENCH_REQUESTS=100, BENCH_FLOOD=8).
 */
import { startGatewayProcess } from "../kiosk-ui/e2e/harness.ts";
import { benchMachine, ratioSummary } from "./machine.ts";

const machine = benchMachine("abuse");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const FLOOD = Number(process.env.BENCH_FLOOD ?? 8);
const TARGET = 2;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

const gw = await startGatewayProcess({
  // Every flood request must reach the hash: the per-client delays would otherwise answer 429 at once.
  EK__staff__maxFailedLogins: "50",
  EK__staff__clientMaxFailures: "1000",
  EK__verification__identifyClientFreeFailures: "1000000",
  EK__verification__identifyGlobalFreeFailures: "1000000",
  EK__verification__identifyMaxFailures: "20",
});

async function kioskLatencies(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const res = await fetch(`${gw.url}/api/v1/kiosk/config`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`kiosk config answered ${res.status}`);
    out.push(performance.now() - started);
  }
  return out;
}

const statuses = new Map<string, number>();
const count = (kind: string, status: number) =>
  statuses.set(`${kind} ${status}`, (statuses.get(`${kind} ${status}`) ?? 0) + 1);
let users = 0;
let flats = 0;

async function staffFlood(stop: { done: boolean }): Promise<void> {
  while (!stop.done) {
    const res = await fetch(`${gw.officeUrl}/office/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: gw.officeUrl },
      body: JSON.stringify({ username: `intruz${users++ % 900}`, password: "zle-haslo-123" }),
    });
    await res.arrayBuffer();
    count("login", res.status);
  }
}

async function identifyFlood(stop: { done: boolean }): Promise<void> {
  while (!stop.done) {
    const flat = gw.flats[flats++ % gw.flats.length];
    const res = await fetch(`${gw.url}/api/v1/kiosk/identify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        flatCode: flat.flatCode,
        surname: flat.surnames[0],
        ownerCode: flat.code === "000000" ? "000001" : "000000",
      }),
    });
    await res.arrayBuffer();
    count("identify", res.status);
  }
}

try {
  await kioskLatencies(); // warm-up
  const p50s: number[] = [];
  const p95s: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const quiet = await kioskLatencies();
    const stop = { done: false };
    const workers = [
      ...Array.from({ length: FLOOD }, () => staffFlood(stop)),
      ...Array.from({ length: FLOOD }, () => identifyFlood(stop)),
    ];
    await new Promise((r) => setTimeout(r, 300)); // the flood fills the hashing queue first
    const flooded = await kioskLatencies();
    stop.done = true;
    await Promise.all(workers);
    const q = { p50: quantile(quiet, 0.5), p95: quantile(quiet, 0.95) };
    const f = { p50: quantile(flooded, 0.5), p95: quantile(flooded, 0.95) };
    p50s.push(f.p50 / q.p50);
    p95s.push(f.p95 / q.p95);
    console.log(
      `round ${round}: reference p50 ${q.p50.toFixed(2)} ms p95 ${q.p95.toFixed(2)} ms; ` +
        `flood p50 ${f.p50.toFixed(2)} ms p95 ${f.p95.toFixed(2)} ms`,
    );
  }
  console.log(`flood answers: ${[...statuses].map(([k, n]) => `${k}×${n}`).join(", ")}`);
  const p50 = ratioSummary(p50s);
  const p95 = ratioSummary(p95s);
  console.log(`kiosk config p50 flood/reference ${p50.text} (target ≤ ${TARGET}×) ${machine.tag}`);
  console.log(`kiosk config p95 flood/reference ${p95.text} (target ≤ ${TARGET}×) ${machine.tag}`);
  if (!machine.busy && (p50.median > TARGET || p95.median > TARGET)) process.exitCode = 1;
} finally {
  await gw.dispose();
}
