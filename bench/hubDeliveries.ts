/**
 * `npm run bench -- hubDeliveries`: what the office hub's per-cooperative numbering of delivery
 * changes costs. Each delivery batch takes the next numbers of its cooperative's deliveries feed
 * under the cooperative's row lock, held to its commit, so one cooperative's batches commit one
 * after another. Here 1, 5 and 20 simulated kiosks push their delivery changes (signed, over
 * HTTP, all kiosks at once) into the hub running as its own process, once as kiosks of ONE
 * cooperative (they share the lock) and once each in its own cooperative (the same work, no shared
 * lock). Both 5,000 each in full batches of 500 (a refill, a bulk send) and 1,000 each in batches
 * of 10 (day to day: the gateway pushes what changed since its last poll). Interleaved rounds; prints deliveries/s and the
 * one-cooperative/own-cooperative ratio. PostgreSQL runs with fsync on, as in production.
 */
import { postToOffice } from "../gateway/office/pushPost.ts";
import { openHubDb } from "../office-hub/db/client.ts";
import { addCooperative, provisionKiosk } from "../office-hub/services/provision.ts";
import { hubCli, startHubProcess } from "../office-hub/testing/hubProcess.ts";
import { createDatabase, startTestPostgres } from "../office-hub/testing/postgres.ts";
import { benchMachine, loadLine, ratioSummary } from "./machine.ts";

const machine = benchMachine("hubDeliveries");
/** Changes per kiosk: a full history in batches of 500, a busy day in batches of 10. */
const CHANGES: Record<number, number> = { 500: 5_000, 10: 1_000 };
const ROUNDS = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 3);
const KIOSK_COUNTS = [1, 5, 20];
const BATCHES = [500, 10];

const pg = await startTestPostgres({ fsync: true });
const url = await createDatabase(pg, "hub");
const setup = hubCli(url, ["setup"]);
if (setup.status !== 0) throw new Error(setup.stderr);
const hub = await startHubProcess(url);
const { db, close } = openHubDb(url, 4);
let finished = false;
process.on("exit", () => {
  hub.child.kill("SIGKILL");
  if (!finished) pg.stopNow();
});

/** One kiosk's delivery changes as the gateway sends them: per letter queued, sent, delivered; every 10th on paper with its letter. */
function changesOf(kiosk: number): object[] {
  const out: object[] = [];
  const start = Date.parse("2026-03-02T08:00:00Z");
  for (let seq = 1; seq <= CHANGES[500]; seq++) {
    const letter = Math.floor((seq - 1) / 3);
    const step = (seq - 1) % 3;
    const paper = letter % 10 === 0;
    const at = new Date(start + seq * 100).toISOString();
    out.push(
      paper && step === 0
        ? {
            seq,
            message_id: `corr:K${kiosk}-L${letter}:paper`,
            correspondence_id: `K${kiosk}-L${letter}`,
            channel: "paper",
            status: "paper",
            reason: "no_consent",
            at,
            letter: {
              flat: `B${kiosk}-${letter % 500}`,
              address: `ul. Kelecka ${kiosk} kl. A m. ${letter % 500}, Radom`,
              owners: ["Anna Kowalska"],
              category: "water_bill",
              subject: "Rachunek za wodę",
              generated_at: at,
            },
          }
        : {
            seq,
            message_id: `corr:K${kiosk}-L${letter}:email`,
            correspondence_id: `K${kiosk}-L${letter}`,
            channel: "email",
            status: ["queued", "sent", "delivered"][step],
            reason: null,
            at,
          },
    );
  }
  return out;
}

const streams = Array.from({ length: Math.max(...KIOSK_COUNTS) }, (_, k) => changesOf(k));
const bodies = new Map<number, string[][]>(
  BATCHES.map((batch) => [
    batch,
    streams.map((changes) => {
      const out: string[] = [];
      for (let i = 0; i < CHANGES[batch]; i += batch)
        out.push(JSON.stringify({ changes: changes.slice(i, i + batch) }));
      return out;
    }),
  ]),
);

let roundNo = 0;

/** All kiosks push their changes at once; `shared`: all in one cooperative, else each in its own. */
async function push(kiosks: number, batch: number, shared: boolean): Promise<number> {
  const round = ++roundNo;
  const keys = [];
  for (let k = 0; k < kiosks; k++) {
    const coop = shared ? `r${round}` : `r${round}-c${k}`;
    if (!shared || k === 0) await addCooperative({ db }, { id: coop, name: coop });
    keys.push(await provisionKiosk({ db }, { cooperativeId: coop, kioskId: `r${round}-k${k}` }));
  }
  const target = new URL(`${hub.url}/push/v1/`);
  const started = performance.now();
  await Promise.all(
    keys.map(async (key, k) => {
      // as the gateway pushes: signed, and the answer checked against the push contract
      const to = { target, key, kioskId: `r${round}-k${k}`, timeoutMs: 60_000, nowSeconds: () => Date.now() / 1000 };
      for (const body of bodies.get(batch)![k]) {
        const { status } = await postToOffice(to, "deliveries", body);
        if (status !== 200) throw new Error(`hub answered ${status}`);
      }
    }),
  );
  return performance.now() - started;
}

/** The feed is whole: every cooperative's numbers are 1..n without a hole. */
async function verify(): Promise<void> {
  const [row] = await db.$client`
    SELECT count(*)::int AS bad FROM (
      SELECT cooperative_id, count(*) AS n, max(coop_seq) AS top FROM deliveries GROUP BY cooperative_id
    ) AS c WHERE n <> top`;
  if (row.bad !== 0) throw new Error(`${row.bad} cooperatives' delivery feeds have holes`);
}

console.log(
  `[hubDeliveries] ${CHANGES[500]} changes per kiosk in batches of 500, ${CHANGES[10]} in batches of 10, ${ROUNDS} rounds, fsync on`,
);
await push(1, 500, true); // warm-up: the hub's and PostgreSQL's caches, JIT, connections
for (const batch of BATCHES) {
  for (const kiosks of KIOSK_COUNTS) {
    const ratios: number[] = [];
    const rates = { shared: [] as number[], own: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
      for (const shared of r % 2 === 0 ? [true, false] : [false, true]) {
        const ms = await push(kiosks, batch, shared);
        rates[shared ? "shared" : "own"].push((kiosks * CHANGES[batch]) / (ms / 1000));
      }
      ratios.push(rates.shared.at(-1)! / rates.own.at(-1)!);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `[hubDeliveries] batches of ${batch}, ${kiosks} kiosk(s): one cooperative ${Math.round(median(rates.shared))} deliveries/s, ` +
        `each its own ${Math.round(median(rates.own))} deliveries/s, ratio ${ratioSummary(ratios).text} ${machine.tag}`,
    );
    console.log(`[hubDeliveries]   ${loadLine()}`);
  }
}
await verify();
console.log("[hubDeliveries] every cooperative's delivery feed is numbered 1..n without a hole");
await hub.stop();
await close();
await pg.stop();
finished = true;
