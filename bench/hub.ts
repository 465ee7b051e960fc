/**
 * `npx bun bench/hub.ts`: the office hub's intake on PostgreSQL, against a reference in the same run.
 *  1. 20 simulated kiosks push 10,000 register events each (sealed hash chains, signed batches of
 *     500 over HTTP, all kiosks at once) into the hub running as its own process, vs raw batched
 *     INSERTs of the same rows (same columns, keys and indexes, same batch size and number of
 *     writers) into the same PostgreSQL. Interleaved rounds; prints events/s and the median
 *     ratio (target ≥ 0.5).
 *  2. How the time grows from 1 to 20 kiosks (10,000 events each), with the raw reference beside
 *     (`--no-growth` leaves it out).
 * Each round also prints the CPU each side used per event: the bench's own process (the kiosks'
 * signing and HTTP, or the raw writers' row building), the hub process, and PostgreSQL.
 * Needs PostgreSQL 15 binaries (deploy/dev/test-prereqs.sh); starts its own server in a temp dir.
 */
import { SQL } from "bun";
import { canonicalJson, GENESIS_HASH, seal } from "../gateway/domain/registerEvents.ts";
import { postToOffice } from "../gateway/office/pushPost.ts";
import { openHubDb } from "../office-hub/db/client.ts";
import { addCooperative, provisionKiosk } from "../office-hub/services/provision.ts";
import { hubCli, startHubProcess } from "../office-hub/testing/hubProcess.ts";
import { createDatabase, startTestPostgres } from "../office-hub/testing/postgres.ts";
import { benchMachine, loadLine, ratioSummary } from "./machine.ts";
import { postgresCpuSeconds, processCpuSeconds } from "./processCpu.ts";

const machine = benchMachine("hub");
const KIOSKS = 20;
const EVENTS = 10_000;
const BATCH = 500;
const ROUNDS = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 3);

/** `--statements`: PostgreSQL's own time per statement (pg_stat_statements) after each round. */
const STATEMENTS = process.argv.includes("--statements");
const pg = await startTestPostgres({
  fsync: true,
  settings: STATEMENTS ? ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_planning=on"] : [],
});
const url = await createDatabase(pg, "hub");
const setup = hubCli(url, ["setup"]);
if (setup.status !== 0) throw new Error(setup.stderr);
const hub = await startHubProcess(url);
const { db, close } = openHubDb(url, 4);
const raw = new SQL({ url, max: KIOSKS });
await raw.unsafe(`CREATE TABLE raw_events (LIKE register_events INCLUDING ALL)`);
if (STATEMENTS) await raw.unsafe("CREATE EXTENSION pg_stat_statements");

/** The statements that took most of PostgreSQL's time since the last call, per event. */
async function topStatements(events: number): Promise<void> {
  if (!STATEMENTS) return;
  const rows = await raw.unsafe(`
    SELECT calls, total_exec_time AS exec, total_plan_time AS plan, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS q
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 12`);
  for (const r of rows)
    console.log(
      `[hub]     ${String(r.calls).padStart(6)} calls, exec ${((r.exec * 1000) / events).toFixed(2)} µs/ev, plan ${((r.plan * 1000) / events).toFixed(2)}, WAL ${(Number(r.wal_bytes) / events).toFixed(0)} B/ev: ${r.q}`,
    );
  await raw.unsafe("SELECT pg_stat_statements_reset()");
}

let finished = false;
process.on("exit", () => {
  hub.child.kill("SIGKILL");
  // A bench that failed half-way must not leave its PostgreSQL running.
  if (!finished) pg.stopNow();
});

type Sealed = ReturnType<typeof seal>;

/** One kiosk's chain: enrolments, contact updates and withdrawals over 500 flats of its building. */
function chain(kiosk: number, count: number): Sealed[] {
  const events: Sealed[] = [];
  let prevHash = GENESIS_HASH;
  const start = Date.parse("2026-03-02T08:00:00Z");
  for (let seq = 1; seq <= count; seq++) {
    const flat = `B${kiosk}-${String(seq % 500).padStart(3, "0")}`;
    const withdraw = seq % 17 === 0;
    const payload = withdraw
      ? { channels: "all", via: "kiosk" }
      : {
          email: `mieszkaniec${seq}@example.pl`,
          mobile: `+48600${String(seq).padStart(6, "0")}`,
          channels: ["email", "sms"],
          consentVersion: "2021-1",
          kioskId: `K${kiosk}`,
          language: "pl",
        };
    const event = seal({
      seq,
      type: withdraw ? "withdrawn" : seq % 3 === 0 ? "contacts_updated" : "enrolled",
      flatCode: flat,
      ownerId: `O-${kiosk}-${seq % 500}`,
      // As the kiosk stores it and sends it (listRegisterEvents splices the stored canonical JSON).
      payload: JSON.parse(canonicalJson(payload)),
      occurredAt: new Date(start + seq * 1000).toISOString(),
      prevHash,
    } as never);
    prevHash = event.hash;
    events.push(event);
  }
  return events;
}

console.log(`[hub] sealing ${KIOSKS} chains of ${EVENTS} events…`);
const chains = Array.from({ length: KIOSKS }, (_, k) => chain(k, EVENTS));
/** The request bodies as the gateway sends them (listRegisterEvents' JSON). */
const bodies = chains.map((events) => {
  const out: string[] = [];
  for (let i = 0; i < events.length; i += BATCH) {
    const page = events.slice(i, i + BATCH);
    out.push(
      JSON.stringify({
        events: page,
        next_cursor: page[page.length - 1].seq,
        head_seq: events.length,
        has_more: i + BATCH < events.length,
      }),
    );
  }
  return out;
});

let roundNo = 0;

/** CPU seconds so far of this process (the kiosks, or the raw writers), the hub and PostgreSQL. */
function cpuNow() {
  const own = process.cpuUsage();
  return {
    bench: (own.user + own.system) / 1e6,
    hub: processCpuSeconds(hub.child.pid!),
    postgres: postgresCpuSeconds(`${pg.dir}/data`),
  };
}
type Cpu = ReturnType<typeof cpuNow>;
const cpuSince = (before: Cpu): Cpu => {
  const now = cpuNow();
  return { bench: now.bench - before.bench, hub: now.hub - before.hub, postgres: now.postgres - before.postgres };
};
/** "CPU µs/event: kiosks 4, hub 22, PostgreSQL 26" */
const cpuLine = (cpu: Cpu, events: number, bench: string, withHub: boolean) =>
  [`${bench} ${((cpu.bench * 1e6) / events).toFixed(1)}`]
    .concat(withHub ? [`hub ${((cpu.hub * 1e6) / events).toFixed(1)}`] : [])
    .concat([`PostgreSQL ${((cpu.postgres * 1e6) / events).toFixed(1)}`])
    .join(", ");

async function pushThroughHub(kiosks: number): Promise<{ ms: number; coop: string; cpu: Cpu }> {
  roundNo++;
  const round = roundNo;
  const coop = `coop-${roundNo}`;
  await addCooperative({ db }, { id: coop, name: coop });
  const keys = [];
  for (let k = 0; k < kiosks; k++)
    keys.push(await provisionKiosk({ db }, { cooperativeId: coop, kioskId: `r${roundNo}-k${k}` }));
  const target = new URL(`${hub.url}/push/v1/`);
  const cpu = cpuNow();
  const started = performance.now();
  await Promise.all(
    keys.map(async (key, k) => {
      // as the gateway pushes: signed, and the answer checked against the push contract
      const to = { target, key, kioskId: `r${round}-k${k}`, timeoutMs: 60_000, nowSeconds: () => Date.now() / 1000 };
      for (const body of bodies[k]) {
        const { status, answer } = await postToOffice(to, "registerEvents", body);
        if (status !== 200 || answer?.applied !== BATCH)
          throw new Error(`hub answered ${status}: ${JSON.stringify(answer)}`);
      }
    }),
  );
  return { ms: performance.now() - started, coop, cpu: cpuSince(cpu) };
}

async function rawInserts(kiosks: number): Promise<{ ms: number; cpu: Cpu }> {
  roundNo++;
  const coop = `raw-${roundNo}`;
  const cpu = cpuNow();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: kiosks }, async (_, k) => {
      const events = chains[k];
      for (let i = 0; i < events.length; i += BATCH) {
        const rows = events.slice(i, i + BATCH).map((e) => ({
          cooperative_id: coop,
          kiosk_id: `r${roundNo}-k${k}`,
          seq: e.seq,
          type: e.type,
          flat_code: e.flatCode,
          owner_id: e.ownerId,
          payload: canonicalJson(e.payload),
          occurred_at: e.occurredAt,
          applied_at: e.occurredAt,
          prev_hash: e.prevHash,
          hash: e.hash,
        }));
        await raw`INSERT INTO raw_events ${raw(rows)}`;
      }
    }),
  );
  return { ms: performance.now() - started, cpu: cpuSince(cpu) };
}

async function verifyStored(kiosks: number, coop: string): Promise<void> {
  const [row] = await raw`SELECT count(*)::int AS n FROM register_events WHERE cooperative_id = ${coop}`;
  if (row.n !== kiosks * EVENTS) throw new Error(`expected ${kiosks * EVENTS} events stored, found ${row.n}`);
}

const perSecond = (events: number, ms: number) => Math.round(events / (ms / 1000));

console.log(`[hub] ${KIOSKS} kiosks × ${EVENTS} events, batches of ${BATCH}, ${ROUNDS} interleaved rounds`);
const ratios: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const hubFirst = r % 2 === 0;
  let pushed: Awaited<ReturnType<typeof pushThroughHub>>;
  let inserted: Awaited<ReturnType<typeof rawInserts>>;
  await topStatements(1);
  if (hubFirst) {
    pushed = await pushThroughHub(KIOSKS);
    await topStatements(KIOSKS * EVENTS);
    await verifyStored(KIOSKS, pushed.coop);
    inserted = await rawInserts(KIOSKS);
    await topStatements(KIOSKS * EVENTS);
  } else {
    inserted = await rawInserts(KIOSKS);
    await topStatements(KIOSKS * EVENTS);
    pushed = await pushThroughHub(KIOSKS);
    await topStatements(KIOSKS * EVENTS);
    await verifyStored(KIOSKS, pushed.coop);
  }
  const hubMs = pushed.ms;
  const rawMs = inserted.ms;
  const total = KIOSKS * EVENTS;
  ratios.push(rawMs / hubMs);
  console.log(
    `[hub] round ${r + 1}: hub ${perSecond(total, hubMs)} events/s (${(hubMs / 1000).toFixed(1)} s), raw inserts ${perSecond(total, rawMs)} events/s (${(rawMs / 1000).toFixed(1)} s), ratio ${(rawMs / hubMs).toFixed(2)} ${machine.tag}`,
  );
  console.log(
    `[hub]   CPU µs/event: through the hub: ${cpuLine(pushed.cpu, total, "kiosks", true)}; raw: ${cpuLine(inserted.cpu, total, "writers", false)}`,
  );
}
const summary = ratioSummary(ratios);
console.log(`[hub] hub / raw batched inserts: ${summary.text} (target ≥ 0.5) ${machine.tag}`);

const growth = process.argv.includes("--no-growth") ? [] : [1, 2, 5, 10, 20];
if (growth.length > 0) console.log("[hub] growth from 1 to 20 kiosks (10,000 events each):");
for (const kiosks of growth) {
  const { ms: hubMs, coop } = await pushThroughHub(kiosks);
  await verifyStored(kiosks, coop);
  const { ms: rawMs } = await rawInserts(kiosks);
  console.log(
    `[hub]   ${String(kiosks).padStart(2)} kiosks: ${(hubMs / 1000).toFixed(2)} s, ${perSecond(kiosks * EVENTS, hubMs)} events/s (raw ${(rawMs / 1000).toFixed(2)} s, ratio ${(rawMs / hubMs).toFixed(2)}) ${machine.tag}`,
  );
}
console.log(`[hub] ${loadLine()}`);
await raw.close();
await close();
await hub.stop();
await pg.stop();
finished = true;
