/**
 * `npx bun bench/wear.ts`: SD-card wear, as bytes the gateway process asks the kernel to write
 * (`write_bytes` in /proc/<pid>/io: the data and WAL writes, logs to files, slips, mail files).
 * The gateway runs as its own process in demo mode (simulated modem and SMTP sink, which write
 * nothing of gammu's or a mail server's), on a database with 110 demo flats enrolled for email and SMS.
 *  1. Idle: write_bytes over BENCH_IDLE_SECONDS (default 120), extrapolated to 24 h.
 *  2. A typical day's work, at BENCH_SCALE (default 1): 50 enrolments at the kiosk API (identify,
 *     two one-time codes, enrolment, slip), 3,000 emails and 500 SMS routed through the office
 *     API and delivered. Compressed into minutes; the day's figure is the work's bytes (minus the
 *     idle rate over the time it took) divided by the scale, plus 24 h of idle.
 * Prints per-day figures with `uptime`'s load average. BENCH_PRINTER_PNG=0 switches off the
 * virtual printer's drawings for a comparison.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDb } from "../db/client.ts";
import { ManualClock } from "../gateway/clock.ts";
import { validateConfig } from "../gateway/config.ts";
import { createLogger } from "../gateway/logger.ts";
import { OfficeClient } from "../gateway/office/client.ts";
import { startGateway } from "../gateway/runtime.ts";
import { addOfficeKey } from "../gateway/services/addOfficeKey.ts";
import { freePort, readDemoOwners } from "../gateway/testing/local.ts";
import { benchMachine, loadLine } from "./machine.ts";

const machine = benchMachine("wear");
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 120);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ENROLMENTS = Math.round(50 * SCALE);
const EMAILS = Math.round(3_000 * SCALE);
const SMS = Math.round(500 * SCALE);
const ENROLLED_FLATS = 110;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

function writeBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/io`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("write_bytes:"));
  return Number(line?.split(":")[1] ?? Number.NaN);
}

const dir = mkdtempSync(join(tmpdir(), "ekor-bench-wear-"));
let child: ChildProcess | undefined;
let logBytes = 0;
/** Bytes in the files under `sub` (the demo's mail sink and virtual printer write there). */
const filesUnder = (sub: string): number => {
  const root = join(dir, sub);
  if (!existsSync(root)) return 0;
  return readdirSync(root, { recursive: true })
    .map((name) => statSync(join(root, String(name))))
    .filter((s) => s.isFile())
    .reduce((sum, s) => sum + s.size, 0);
};
try {
  // The database: the demo register, 110 flats enrolled by email and SMS a year ago, an office key.
  const config = validateConfig({ demo: true, dataDir: dir, logLevel: "silent" });
  const setup = await startGateway(config, {
    clock: new ManualClock("2025-01-10T10:00:00Z"),
    logger: createLogger("silent"),
  });
  const flats = readDemoOwners(dir).map((o) => ({
    flatCode: o.flatCode,
    surname: o.surnames[0],
    ownerCode: o.ownerCode,
  }));
  const owners = setup.ctx.db.all<{ flat: string; owner: string }>(
    "SELECT flat_code AS flat, owner_id AS owner FROM ownership_shares WHERE active = 1 GROUP BY flat_code",
  );
  setup.ctx.db.transaction((tx) => {
    for (const [i, { flat, owner }] of owners.slice(0, ENROLLED_FLATS).entries()) {
      setup.ctx.register.append(
        tx,
        {
          type: "enrolled",
          payload: {
            email: `lokator${i}@example.pl`,
            mobile: `+48600${String(100_000 + i)}`,
            channels: ["email", "sms"],
            consentVersion: "2021-08-v1",
            source: "kiosk",
          },
        },
        flat,
        owner,
      );
    }
  });
  const key = addOfficeKey(setup.ctx, { clientId: "bench", keyId: "bench" });
  await setup.stop();

  const port = await freePort();
  const officePort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [join(ROOT, "gateway", "main.ts"), "--demo"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      OFFICE_PORT: String(officePort),
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
      EK__sms__quietHours__start: "00:00",
      EK__sms__quietHours__end: "00:00",
      EK__sms__perMinute: "60",
      // A day's 50 enrolments come minutes apart; the bench sends their 100 codes within one
      // hour, past the kiosk's hourly cap (40), so the cap is lifted for the bench only.
      EK__verification__codesPerKioskPerHour: "1000",
      ...(process.env.BENCH_PRINTER_PNG === "0" ? { EK__printer__png: "false" } : {}),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Logs go to stdout: under systemd journald writes them, so they count apart from the process.
  child.stdout?.on("data", (chunk: Buffer) => {
    logBytes += chunk.length;
  });
  const pid = child.pid as number;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error("gateway did not start");
    await sleep(100);
  }
  await sleep(10_000); // start-up writes (migrations check, demo files) settle

  // 1. Idle.
  const idle0 = writeBytes(pid);
  const idleLogs0 = logBytes;
  const idleT0 = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const idleBytes = writeBytes(pid) - idle0;
  const idleSeconds = (performance.now() - idleT0) / 1000;
  const idlePerSecond = idleBytes / idleSeconds;
  const idleLogsPerSecond = (logBytes - idleLogs0) / idleSeconds;

  // 2. A day's work, compressed.
  const work0 = writeBytes(pid);
  const workLogs0 = logBytes;
  const demoFiles0 = filesUnder("mail") + filesUnder("printer");
  const workT0 = performance.now();
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = res.status === 204 ? null : await res.json();
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const codeFor = async (path: string, to: string, seen: Set<string>) => {
    for (let i = 0; i < 200; i++) {
      const list = (await (await fetch(`${url}${path}?to=${encodeURIComponent(to)}`)).json()) as Array<{
        text: string;
      }>;
      for (const m of list) {
        const code = /\b(\d{6})\b/.exec(m.text)?.[1];
        if (code && !seen.has(code)) {
          seen.add(code);
          return code;
        }
      }
      await sleep(100);
    }
    throw new Error(`no code for ${to}`);
  };
  const seen = new Set<string>();
  for (let i = 0; i < ENROLMENTS; i++) {
    const flat = flats[ENROLLED_FLATS + (i % (flats.length - ENROLLED_FLATS))];
    const who = await post("/api/v1/kiosk/identify", flat);
    const email = `nowy${i}@example.pl`;
    const mobile = `+48601${String(100_000 + i)}`;
    const byEmail = await post("/api/v1/verifications", { session: who.session, channel: "email", to: email });
    const bySms = await post("/api/v1/verifications", { session: who.session, channel: "sms", to: mobile });
    await post(`/api/v1/verifications/${byEmail.id}/confirm`, { code: await codeFor("/dev/mail.json", email, seen) });
    await post(`/api/v1/verifications/${bySms.id}/confirm`, { code: await codeFor("/dev/sms.json", mobile, seen) });
    await post("/api/v1/kiosk/enrolments", {
      session: who.session,
      idempotencyKey: `wear-enrolment-${i}`,
      email,
      mobile,
      channels: ["email", "sms"],
      consents: { processing: true, email: true, sms: true },
      consentVersion: "2021-08-v1",
      verifications: { email: byEmail.id, sms: bySms.id },
    });
    await post("/api/v1/kiosk/session/end", { session: who.session });
  }
  const client = new OfficeClient({ baseUrl: `http://127.0.0.1:${officePort}/office/v1`, key, timeoutMs: 120_000 });
  const letters = (n: number, category: string, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}-${i}`,
      flat: owners[i % ENROLLED_FLATS].flat,
      category,
      generated_at: new Date().toISOString(),
      subject: `Pismo ${i}`,
      text: `Szanowni Państwo, uprzejmie informujemy o rozliczeniu nr ${i}. Szczegóły w załączniku.`,
    }));
  for (let i = 0; i < EMAILS; i += 500)
    await client.json("POST", "correspondence", { items: letters(Math.min(500, EMAILS - i), "water_bill", `E${i}`) });
  for (let i = 0; i < SMS; i += 500)
    await client.json("POST", "correspondence", { items: letters(Math.min(500, SMS - i), "outage", `S${i}`) });
  const database = openDb(join(dir, "gateway.sqlite"));
  for (;;) {
    const left = database.sqlite
      .query("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')")
      .get() as { n: number };
    if (left.n === 0) break;
    await sleep(1_000);
  }
  database.close();
  const workSeconds = (performance.now() - workT0) / 1000;
  const workBytes = writeBytes(pid) - work0;
  const workOnly = Math.max(0, workBytes - idlePerSecond * workSeconds);
  const idleDay = idlePerSecond * 86_400;
  const day = idleDay + workOnly / SCALE;
  const demoFiles = filesUnder("mail") + filesUnder("printer") - demoFiles0;
  const logsDay = idleLogsPerSecond * 86_400 + (logBytes - workLogs0 - idleLogsPerSecond * workSeconds) / SCALE;

  console.log(
    `gateway process write_bytes (/proc/${pid}/io), demo mode, printer PNG ${process.env.BENCH_PRINTER_PNG === "0" ? "off" : "on"}, LOG_LEVEL ${process.env.LOG_LEVEL ?? "info"}:`,
  );
  console.log(`  idle: ${mb(idleBytes)} in ${IDLE_SECONDS} s -> ${mb(idleDay)} per day ${machine.tag}`);
  console.log(
    `  work at scale ${SCALE} (${ENROLMENTS} enrolments, ${EMAILS} emails, ${SMS} SMS): ${mb(workBytes)} in ${workSeconds.toFixed(0)} s, ${mb(workOnly)} above idle`,
  );
  console.log(`  typical day (24 h idle + the work / scale): ${mb(day)} per day ${machine.tag}`);
  console.log(
    `    of which the demo's own files (mail sink .eml, virtual printer): ${mb(demoFiles / SCALE)} per day; without them ${mb(day - demoFiles / SCALE)} per day`,
  );
  console.log(`  log lines on stdout (journald writes them): ${mb(logsDay)} per day`);
  console.log(`  ${loadLine()}`);
} finally {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
