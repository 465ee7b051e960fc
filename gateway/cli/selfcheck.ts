/**
 * Start-up self-check: `bun gateway/cli/selfcheck.ts [--json]`. Exits 0 only when every check
 * passes. Runs on a fresh temporary data directory, so it is safe on a live Pi and is what the
 * qemu test runs under the Pi's CPUs (Cortex-A72, Cortex-A53) with the pinned Bun build:
 *   - migrations on a fresh database (bun:sqlite),
 *   - register chain: events appended, verified, and a tampered copy detected,
 *   - a receipt slip signed and verified with the receipts code (Ed25519 over canonical JSON, QR text),
 *   - the gateway started and `/healthz` answered over HTTP.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { integrityCheck, openDb } from "../../db/client.ts";
import { systemClock } from "../clock.ts";
import { validateConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { loadOrCreateKioskKey, publicKeyFromJwk } from "../receipts/kioskKey.ts";
import { qrTextOf, signReceipt, verifyQrText } from "../receipts/qrText.ts";
import { RECEIPT_FORMAT_VERSION } from "../receipts/receiptData.ts";
import { startGateway } from "../runtime.ts";
import { ConsentRegister } from "../services/register.ts";

interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

const dir = mkdtempSync(join(tmpdir(), "ekor-selfcheck-"));
const logger = createLogger("silent");
const results: CheckResult[] = [];

async function check(name: string, run: () => string | Promise<string>): Promise<void> {
  const started = performance.now();
  try {
    const detail = await run();
    results.push({ name, ok: true, detail, ms: Math.round(performance.now() - started) });
  } catch (err) {
    results.push({ name, ok: false, detail: (err as Error).message, ms: Math.round(performance.now() - started) });
  }
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const registerDir = join(dir, "register");
await check("migrations", () => {
  const database = openDb(join(registerDir, "gateway.sqlite"));
  try {
    const rows = database.sqlite.query("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
      n: number;
    };
    assert(rows.n > 5, `only ${rows.n} tables after migrations`);
    const integrity = integrityCheck(database.sqlite);
    assert(integrity === "ok", `integrity_check: ${integrity}`);
    return `${rows.n} tables, integrity ok, SQLite ${(database.sqlite.query("SELECT sqlite_version() AS v").get() as { v: string }).v}`;
  } finally {
    database.close();
  }
});

await check("register chain", () => {
  const config = validateConfig({ demo: false, dataDir: registerDir, logLevel: "silent" });
  const database = openDb(join(registerDir, "gateway.sqlite"));
  try {
    const register = new ConsentRegister({ db: database.db, clock: systemClock, config, logger });
    database.db.transaction((tx) => {
      register.append(
        tx,
        {
          type: "enrolled",
          payload: { email: "jan@example.pl", channels: ["email"], consentVersion: config.consent.version },
        },
        "SELFCHECK-1",
        null,
      );
      register.append(tx, { type: "withdrawn", payload: { channels: "all", via: "kiosk" } }, "SELFCHECK-1", null);
    });
    const intact = register.verify();
    assert(intact.ok && intact.headSeq === 2, `fresh chain not verified: ${JSON.stringify(intact)}`);
    database.sqlite.exec("UPDATE register_events SET flat_code = 'SELFCHECK-2' WHERE seq = 1");
    const tampered = register.verify();
    assert(!tampered.ok && tampered.firstBadSeq === 1, "a tampered event was not detected");
    return "2 events verified; tampering detected at seq 1";
  } finally {
    database.close();
  }
});

await check("receipt signature", () => {
  // The slip's own code: the kiosk's Ed25519 key, canonical JSON, the QR text, its verifier.
  const config = validateConfig({ demo: false, dataDir: registerDir, logLevel: "silent" });
  const database = openDb(join(registerDir, "gateway.sqlite"));
  try {
    const key = loadOrCreateKioskKey({ db: database.db, clock: systemClock, config, logger });
    const slip = signReceipt(
      {
        v: RECEIPT_FORMAT_VERSION,
        n: "K1-000001",
        t: "2026-03-02T10:00:00Z",
        a: "enrolment",
        f: "KEL10-A-12",
        o: "Zażółć Gęślą-Jaźń",
        e: "j***@example.pl",
        c: ["email", "sms"],
        d: "2026-03-16",
        l: "pl",
        s: 1,
        h: "0123456789abcdef",
      },
      key,
    );
    assert(slip.signature.length === 64, "Ed25519 signature is not 64 bytes");
    const keyFor = (kid: string) => (kid === key.kid ? publicKeyFromJwk(key.publicJwk) : undefined);
    const verdict = verifyQrText(slip.qr, keyFor);
    assert(
      verdict.valid && verdict.data.o === "Zażółć Gęślą-Jaźń",
      `a valid slip did not verify: ${JSON.stringify(verdict)}`,
    );
    // Same signature over a changed slip (sequence 1 → 2): Ed25519 must reject it.
    const rejected = verifyQrText(qrTextOf(key.kid, slip.canonical.replace('"s":1', '"s":2'), slip.signature), keyFor);
    assert(!rejected.valid && rejected.reason === "bad_signature", `a changed slip: ${JSON.stringify(rejected)}`);
    return `slip ${slip.data.n} signed with key ${key.kid}, verified; forgery rejected`;
  } finally {
    database.close();
  }
});

await check("healthz", async () => {
  const config = validateConfig({ demo: false, dataDir: join(dir, "gateway"), logLevel: "silent" });
  const gateway = await startGateway(config, { logger });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: gateway.app.fetch });
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    const body = (await res.json()) as { status: string; parts: Record<string, { status: string }> };
    assert(res.status === 200, `/healthz answered ${res.status}: ${JSON.stringify(body)}`);
    assert(body.parts.db?.status === "ok", `db part: ${body.parts.db?.status}`);
    assert(body.parts.register?.status === "ok", `register part: ${body.parts.register?.status}`);
    return `HTTP ${res.status}, overall ${body.status}`;
  } finally {
    await server.stop(true);
    await gateway.stop();
  }
});

rmSync(dir, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok);
if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ ok: failed.length === 0, bun: Bun.version, arch: process.arch, results }));
} else {
  for (const r of results) console.log(`${r.ok ? "OK  " : "FAIL"} ${r.name.padEnd(18)} ${r.detail} (${r.ms} ms)`);
  console.log(failed.length === 0 ? "self-check passed" : `self-check FAILED: ${failed.map((r) => r.name).join(", ")}`);
}
process.exit(failed.length === 0 ? 0 : 1);
