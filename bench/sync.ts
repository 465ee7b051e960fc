/**
 * `npx bun bench/sync.ts`: the office sync's throughput, against a reference in the same run.
 *  1. Pull 100,000 register events through the signed API with the reference client (pages of
 *     10,000 over HTTP on 127.0.0.1, the gateway in its own process as in production) vs reading
 *     and serialising the same rows directly from SQLite. Prints events/s and the ratio (target ≥ 0.5).
 *  2. Route one batch of 10,000 correspondence items through the API; prints items/s.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDb } from "../db/client.ts";
import { ManualClock } from "../gateway/clock.ts";
import { validateConfig } from "../gateway/config.ts";
import type { ConsentEvent } from "../gateway/domain/registerEvents.ts";
import { canonicalJson, GENESIS_HASH, seal } from "../gateway/domain/registerEvents.ts";
import { createLogger } from "../gateway/logger.ts";
import { OfficeClient } from "../gateway/office/client.ts";
import { applyEvents, verifyCopy } from "../gateway/office/officeCopy.ts";
import { startGateway } from "../gateway/runtime.ts";
import { addOfficeKey } from "../gateway/services/addOfficeKey.ts";
import { importOwners } from "../gateway/services/importOwners.ts";
import { freePort } from "../gateway/testing/local.ts";
import { benchMachine, ratioSummary } from "./machine.ts";

const machine = benchMachine("sync");

const EVENTS = 100_000;
const FLATS = 10_000;
const ITEMS = 10_000;
const PAGE = 10_000;

const dir = mkdtempSync(join(tmpdir(), "ekor-bench-sync-"));
const config = validateConfig({ demo: false, dataDir: dir, logLevel: "silent" });
const clock = new ManualClock("2026-03-02T10:00:00Z");
const gateway = await startGateway(config, { clock, logger: createLogger("silent") });
const { ctx } = gateway;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
let child: ChildProcess | undefined;
let stopped = false;

async function waitForHealth(url: string): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`gateway did not answer ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

try {
  // A cooperative of 10,000 flats, one owner each.
  const register = {
    buildings: [{ id: "B", address: "ul. Testowa 1", city: "Radom" }],
    flats: [] as object[],
    owners: [] as object[],
    shares: [] as object[],
  };
  for (let i = 0; i < FLATS; i++) {
    register.flats.push({
      code: `B-${i}`,
      buildingId: "B",
      staircase: String.fromCharCode(65 + (i % 8)),
      number: String(i),
    });
    register.owners.push({ id: `O${i}`, firstName: "Jan", surname: `Kowalski${i}` });
    register.shares.push({ flatCode: `B-${i}`, ownerId: `O${i}`, role: "owner" });
  }
  importOwners(ctx, register as never);

  // 100,000 sealed events (10 per flat): enrolment, then updates and the odd withdrawal.
  let prevHash = GENESIS_HASH;
  const insert = ctx.database.sqlite.prepare(
    "INSERT INTO register_events (seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const started = Date.parse("2025-01-01T00:00:00Z");
  ctx.database.sqlite.transaction(() => {
    for (let seq = 1; seq <= EVENTS; seq++) {
      const flat = (seq - 1) % FLATS;
      const round = Math.floor((seq - 1) / FLATS);
      const occurredAt = new Date(started + seq * 60_000).toISOString();
      const body =
        round === 0
          ? {
              type: "enrolled",
              payload: {
                email: `osoba${flat}@example.pl`,
                mobile: `+48600${String(flat).padStart(6, "0")}`,
                channels: ["email", "sms"],
                consentVersion: "2021-08-v1",
                kioskId: "K1",
              },
            }
          : round === 5 && flat % 10 === 0
            ? { type: "withdrawn", payload: { channels: ["sms"], via: "kiosk" } }
            : {
                type: "contacts_updated",
                payload: {
                  email: `osoba${flat}.${round}@example.pl`,
                  channels: ["email"],
                  consentVersion: "2021-08-v1",
                  kioskId: "K1",
                },
              };
      const event = seal({ ...body, seq, flatCode: `B-${flat}`, ownerId: `O${flat}`, occurredAt, prevHash } as Omit<
        ConsentEvent,
        "hash"
      >);
      insert.run(
        seq,
        event.type,
        event.flatCode,
        event.ownerId,
        canonicalJson(event.payload),
        occurredAt,
        prevHash,
        event.hash,
      );
      prevHash = event.hash;
    }
  })();
  ctx.register.verify();

  const key = addOfficeKey(ctx, { clientId: "bench", keyId: "bench" });
  await gateway.stop();
  stopped = true;

  // The gateway runs as its own process (as on the Pi); this process is the office.
  const port = await freePort();
  const officePort = await freePort();
  // --demo: simulated modem, mail and printer (the office API is what is measured)
  child = spawn(process.execPath, [join(ROOT, "gateway", "main.ts"), "--demo"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      OFFICE_PORT: String(officePort),
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitForHealth(`http://127.0.0.1:${port}/healthz`);
  const database = openDb(join(dir, "gateway.sqlite"));
  const client = new OfficeClient({ baseUrl: `http://127.0.0.1:${officePort}/office/v1`, key, timeoutMs: 120_000 });

  const direct = () => {
    const t0 = performance.now();
    const rows = database.sqlite.query("SELECT * FROM register_events ORDER BY seq").all();
    const bytes = JSON.stringify(rows).length;
    return { ms: performance.now() - t0, count: rows.length, bytes };
  };
  const api = async () => {
    const t0 = performance.now();
    const events: ConsentEvent[] = [];
    // The product's pull: the next page is asked for while this one is parsed (OfficeClient.pages).
    for await (const page of client.pages<{ events: ConsentEvent[]; next_cursor: number; has_more: boolean }>(
      (after) => `register/events?after=${after}&limit=${PAGE}`,
      0,
    )) {
      events.push(...page.events);
    }
    return { ms: performance.now() - t0, events };
  };

  // Warm both paths once, then interleaved rounds: direct then API back to back; the ratio is per round.
  direct();
  await api();
  const directRuns: number[] = [];
  const apiRuns: number[] = [];
  let pulled: ConsentEvent[] = [];
  for (let i = 0; i < 7; i++) {
    const d = direct();
    if (d.count !== EVENTS) throw new Error(`direct read ${d.count} rows`);
    directRuns.push(d.ms);
    const a = await api();
    if (a.events.length !== EVENTS) throw new Error(`API pulled ${a.events.length} events`);
    apiRuns.push(a.ms);
    pulled = a.events;
  }
  const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const directRate = EVENTS / (middle(directRuns) / 1000);
  const apiRate = EVENTS / (middle(apiRuns) / 1000);

  // What the office then does with them: store in its SQLite copy and verify the chain.
  const copy = openDb(join(dir, "office-copy.sqlite"));
  const t1 = performance.now();
  for (let i = 0; i < pulled.length; i += PAGE) applyEvents(copy.db, pulled.slice(i, i + PAGE));
  const verdict = verifyCopy(copy.db);
  const storeMs = performance.now() - t1;
  copy.close();
  if (!verdict.ok) throw new Error("office copy chain did not verify");

  // Route 10,000 letters in one batch (one per flat; generated now, after every grace period).
  const categories = ["water_bill", "payment_reminder", "fee_change", "payment_demand", "outage"];
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    id: `BENCH-${i}`,
    flat: `B-${i % FLATS}`,
    category: categories[i % categories.length],
    generated_at: "2026-03-01T08:00:00Z",
    subject: `Pismo ${i}`,
    text: `Szanowni Państwo, w załączeniu pismo nr ${i}.`,
  }));
  const t2 = performance.now();
  const routed = await client.json<{ items: Array<{ status: string; channels: string[] }> }>("POST", "correspondence", {
    items,
  });
  const routeMs = performance.now() - t2;
  const accepted = routed.items.filter((i) => i.status === "accepted").length;
  if (accepted !== ITEMS) throw new Error(`only ${accepted} items accepted`);
  const channels: Record<string, number> = {};
  for (const i of routed.items) for (const c of i.channels) channels[c] = (channels[c] ?? 0) + 1;

  database.close();
  const ratios = ratioSummary(directRuns.map((d, i) => d / apiRuns[i]));
  console.log(`register pull, ${EVENTS} events (pages of ${PAGE}):`);
  console.log(
    `  direct SQLite read + JSON.stringify: ${Math.round(directRate).toLocaleString("en")} events/s (median ${middle(directRuns).toFixed(0)} ms)`,
  );
  console.log(
    `  signed API + reference client:      ${Math.round(apiRate).toLocaleString("en")} events/s (median ${middle(apiRuns).toFixed(0)} ms)`,
  );
  console.log(
    `  ratio API/direct (median of rounds): ${ratios.text} (target >= 0.5) ${ratios.median >= 0.5 ? "OK" : "BELOW TARGET"} ${machine.tag}`,
  );
  console.log(
    `  office copy: store + verify chain of ${EVENTS} events: ${storeMs.toFixed(0)} ms (${Math.round(EVENTS / (storeMs / 1000)).toLocaleString("en")} events/s)`,
  );
  console.log(`correspondence routing, one batch of ${ITEMS} items through the API:`);
  console.log(
    `  ${Math.round(ITEMS / (routeMs / 1000)).toLocaleString("en")} items/s (${routeMs.toFixed(0)} ms); channels ${JSON.stringify(channels)}`,
  );
} finally {
  if (child?.pid) {
    child.kill("SIGTERM");
    await new Promise((r) => child?.once("exit", r));
  }
  if (!stopped) await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
}
