/**
 * Register bench: append 100,000 consent events through the project's code path
 * (ConsentRegister.append: head lookup, canonical JSON, SHA-256 chain, drizzle insert) in one
 * transaction, then derive every flat's state; compare with inserting the same rows through raw
 * bun:sqlite prepared statements in one transaction, measured in the same run.
 * Target: the project's path within 2x of raw (ratio ≤ 2).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../db/client.ts";
import { ManualClock } from "../gateway/clock.ts";
import { validateConfig } from "../gateway/config.ts";
import type { ConsentEventBody } from "../gateway/domain/registerEvents.ts";
import { createLogger } from "../gateway/logger.ts";
import { ConsentRegister } from "../gateway/services/register.ts";
import { benchMachine, ratioSummary } from "./machine.ts";

const machine = benchMachine("register");

const N = Number(process.env.BENCH_EVENTS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "ekor-bench-register-"));
const config = validateConfig({ dataDir: dir, logLevel: "silent" });
const logger = createLogger("silent");

function body(i: number): ConsentEventBody {
  return i % 5 === 4
    ? { type: "withdrawn", payload: { channels: ["sms"], via: "kiosk" } }
    : {
        type: "enrolled",
        payload: {
          email: `osoba${i}@wp.pl`,
          mobile: `+48600${String(i % 1_000_000).padStart(6, "0")}`,
          channels: ["email", "sms"],
          consentVersion: "v1",
        },
      };
}

function oursRound(round: number) {
  const opened = openDb(join(dir, `ours-${round}.sqlite`));
  const clock = new ManualClock("2026-01-01T00:00:00Z");
  const register = new ConsentRegister({ db: opened.db, clock, config, logger });
  register.verify();
  const t0 = performance.now();
  opened.db.transaction((tx) => {
    for (let i = 0; i < N; i++) {
      clock.advance(1000);
      register.append(tx, body(i), `F${i % 5000}`, `O${i % 5000}`);
    }
  });
  const append = performance.now() - t0;
  const flats = register.allStates().size;
  const derive = performance.now() - t0 - append;
  const v0 = performance.now();
  const ok = register.verify().ok;
  const verify = performance.now() - v0;
  return { opened, append, derive, verify, flats, ok };
}

function rawRound(round: number, rows: unknown[][]) {
  // The same rows (copied out of our database), inserted with a raw prepared statement.
  const opened = openDb(join(dir, `raw-${round}.sqlite`));
  const insert = opened.sqlite.prepare(
    "INSERT INTO register_events (seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const t1 = performance.now();
  opened.sqlite.transaction(() => {
    for (const row of rows) insert.run(...(row as [number, string, string, string, string, string, string, string]));
  })();
  const raw = performance.now() - t1;
  opened.close();
  return raw;
}

// Interleaved rounds so a burst of load on the machine hits both sides; the median ratio is reported.
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const results: Array<{ append: number; derive: number; verify: number; raw: number }> = [];
let flats = 0;
let chainOk = true;
for (let round = 0; round < rounds; round++) {
  const ours = oursRound(round);
  const rows = ours.opened.sqlite
    .query(
      "SELECT seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash FROM register_events ORDER BY seq",
    )
    .values();
  ours.opened.close();
  const raw = rawRound(round, rows);
  results.push({ append: ours.append, derive: ours.derive, verify: ours.verify, raw });
  flats = ours.flats;
  chainOk &&= ours.ok;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ms: number) => Math.round((N / ms) * 1000);
const append = median(results.map((r) => r.append));
const derive = median(results.map((r) => r.derive));
const verify = median(results.map((r) => r.verify));
const raw = median(results.map((r) => r.raw));
console.log(
  `register bench: ${N} events x ${rounds} rounds, ${flats} flats derived, chain ${chainOk ? "ok" : "BROKEN"}`,
);
console.log(`  ours append:           ${append.toFixed(0)} ms  ${rate(append)} events/s`);
console.log(`  ours derive all flats: ${derive.toFixed(0)} ms  ${rate(derive)} events/s`);
console.log(`  raw prepared inserts:  ${raw.toFixed(0)} ms  ${rate(raw)} events/s`);
console.log(`  chain verification:    ${verify.toFixed(0)} ms  ${rate(verify)} events/s`);
const appendRatios = ratioSummary(results.map((r) => r.append / r.raw));
const deriveRatios = ratioSummary(results.map((r) => (r.append + r.derive) / r.raw));
console.log(
  `  ratio ours/raw (append): ${appendRatios.text}x (target <= 2x) ${appendRatios.median <= 2 ? "met" : "MISSED"} ${machine.tag}`,
);
console.log(
  `  ratio ours/raw (append + derive every flat): ${deriveRatios.text}x (target <= 2.5x) ${deriveRatios.median <= 2.5 ? "met" : "MISSED"} ${machine.tag}`,
);
rmSync(dir, { recursive: true, force: true });
