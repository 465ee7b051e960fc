/**
 * Paper-register import bench: 10,000 CSV rows through the project's path (parse, the kiosk's
 * contact checks, owner lookup, duplicate and already-imported checks, one `paper_import`
 * register event per form on the hash chain, the paper_forms and contacts rows), compared with
 * inserting the same resulting rows through raw bun:sqlite prepared statements in the same run.
 * Prints the machine's load average and CPU count before and after: the ratio is what to read.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../db/client.ts";
import { ManualClock } from "../gateway/clock.ts";
import { validateConfig } from "../gateway/config.ts";
import { createLogger } from "../gateway/logger.ts";
import { csvRecords } from "../gateway/office/csv.ts";
import { importPaperRegister } from "../gateway/services/importPaperRegister.ts";
import { ConsentRegister } from "../gateway/services/register.ts";
import { paperCsv, seedOwners } from "../gateway/testing/paperRegister.ts";
import { benchMachine, ratioSummary } from "./machine.ts";

const machine = benchMachine("import");
const N = Number(process.env.BENCH_ROWS ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), "ekor-bench-import-"));
const config = validateConfig({ dataDir: dir, logLevel: "silent" });
const logger = createLogger("silent");
const TABLES = {
  register_events: "seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash",
  paper_forms: "reference, content_hash, source, flat_code, owner_id, applied_at, entered_by, event_seq, recorded_at",
  contacts: "id, kind, value, verification, verified_at, source, health, health_reason, updated_at",
} as const;

function oursRound(round: number, text: string) {
  const opened = openDb(join(dir, `ours-${round}.sqlite`));
  seedOwners({ db: opened.db, logger }, N);
  const clock = new ManualClock("2026-11-30T10:00:00Z");
  const register = new ConsentRegister({ db: opened.db, clock, config, logger });
  register.verify();
  const t0 = performance.now();
  const report = importPaperRegister(
    { db: opened.db, clock, config, logger, register },
    { records: csvRecords(text), dryRun: false },
  );
  const ms = performance.now() - t0;
  const ok = register.verify().ok && report.imported === N;
  const rows = Object.fromEntries(
    Object.entries(TABLES).map(([table, cols]) => [
      table,
      opened.sqlite.query(`SELECT ${cols} FROM ${table}`).values(),
    ]),
  );
  opened.close();
  return { ms, ok, rows };
}

function rawRound(round: number, rows: Record<string, unknown[][]>) {
  const opened = openDb(join(dir, `raw-${round}.sqlite`));
  seedOwners({ db: opened.db, logger }, N);
  const inserts = Object.entries(TABLES).map(([table, cols]) => ({
    insert: opened.sqlite.prepare(
      `INSERT INTO ${table} (${cols}) VALUES (${cols
        .split(",")
        .map(() => "?")
        .join(", ")})`,
    ),
    rows: rows[table],
  }));
  const t0 = performance.now();
  opened.sqlite.transaction(() => {
    for (const { insert, rows: values } of inserts) for (const row of values) insert.run(...(row as string[]));
  })();
  const ms = performance.now() - t0;
  opened.close();
  return ms;
}

const text = paperCsv(N);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const results: Array<{ ours: number; raw: number }> = [];
let chainOk = true;
for (let round = 0; round < rounds; round++) {
  const ours = oursRound(round, text);
  chainOk &&= ours.ok;
  results.push({ ours: ours.ms, raw: rawRound(round, ours.rows) });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ms: number) => Math.round((N / ms) * 1000);
const ours = median(results.map((r) => r.ours));
const raw = median(results.map((r) => r.raw));
console.log(`import bench: ${N} paper-register rows x ${rounds} rounds, chain ${chainOk ? "ok" : "BROKEN"}`);
console.log(`  import-paper (ours):   ${ours.toFixed(0)} ms  ${rate(ours)} events/s`);
console.log(`  raw prepared inserts:  ${raw.toFixed(0)} ms  ${rate(raw)} events/s`);
console.log(
  `  ratio ours/raw: ${
    ratioSummary(
      results.map((r) => r.ours / r.raw),
      1,
    ).text
  }x ${machine.tag}`,
);
rmSync(dir, { recursive: true, force: true });
if (!chainOk) process.exitCode = 1;
