/** The nightly backup (gateway/cli/backup.ts): a checked VACUUM INTO copy, old copies pruned. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { integrityCheck, openDb } from "../db/client.ts";
import { verifyRequest } from "../gateway/office/signing.ts";

const REPO = new URL("..", import.meta.url).pathname;
const BUN = join(REPO, "node_modules/.bin/bun");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ekor-backup-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const backup = (args: string[] = [], env: Record<string, string> = {}) =>
  execa(BUN, ["gateway/cli/backup.ts", ...args], {
    cwd: REPO,
    reject: false,
    env: { DATA_DIR: dir, CONFIG_FILE: "", ...env },
  });

function liveDatabase(events: number): void {
  const database = openDb(join(dir, "gateway.sqlite"));
  for (let seq = 1; seq <= events; seq++) {
    database.sqlite.exec(
      `INSERT INTO register_events (seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash)
       VALUES (${seq}, 'withdrawn', 'A-${seq}', NULL, '{"via":"office"}', '2026-01-01T10:00:00.000Z', '${"0".repeat(64)}', '${String(seq).padStart(64, "0")}')`,
    );
  }
  // Left open with its WAL on purpose: the backup must see committed rows still in the WAL.
}

describe("database backup", () => {
  it("writes a checked copy that holds everything committed so far", async () => {
    liveDatabase(3);
    const run = await backup();
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { backup: string; registerEvents: number; integrity: string };
    expect(report.integrity).toBe("ok");
    expect(report.registerEvents).toBe(3);
    expect(report.backup).toMatch(/backups\/gateway-\d{8}T\d{6}Z\.sqlite$/);
    const copy = openDb(report.backup);
    expect(integrityCheck(copy.sqlite)).toBe("ok");
    expect(copy.sqlite.query("SELECT count(*) AS n FROM register_events").get()).toEqual({ n: 3 });
    copy.close();
    expect(readdirSync(join(dir, "backups")).filter((n) => n.endsWith(".partial"))).toEqual([]);
  }, 30_000);

  it("deletes copies older than --keep-days and keeps the rest", async () => {
    liveDatabase(1);
    const backups = join(dir, "backups");
    mkdirSync(backups);
    const old = join(backups, "gateway-20260101T023000Z.sqlite");
    const recent = join(backups, "gateway-20260110T023000Z.sqlite");
    const foreign = join(backups, "notes.txt");
    for (const file of [old, recent, foreign]) writeFileSync(file, "x");
    const days = (n: number) => new Date(Date.now() - n * 86_400_000);
    utimesSync(old, days(20), days(20));
    utimesSync(recent, days(3), days(3));
    utimesSync(foreign, days(90), days(90));
    const run = await backup(["--keep-days", "7"]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).removed).toEqual(["gateway-20260101T023000Z.sqlite"]);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
  }, 30_000);

  it("fails, keeping nothing, when the database cannot be read", async () => {
    writeFileSync(join(dir, "gateway.sqlite"), "this is not a database, just bytes on a dying SD card ".repeat(200));
    const run = await backup();
    expect(run.exitCode).not.toBe(0);
    expect(existsSync(join(dir, "backups")) ? readdirSync(join(dir, "backups")) : []).toEqual([]);
  }, 30_000);

  it("refuses a nonsensical retention", async () => {
    liveDatabase(0);
    const run = await backup(["--keep-days", "0"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--keep-days");
  }, 30_000);

  it("sends the copy to the office, signed, when asked", async () => {
    liveDatabase(2);
    const received: Array<{ path: string; verdict: string; body: Buffer; kiosk: string | undefined }> = [];
    const office = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const verdict = verifyRequest(
          {
            method: req.method ?? "",
            pathWithQuery: req.url ?? "",
            headers: (name) => req.headers[name.toLowerCase()] as string | undefined,
            body,
            signsKioskId: true,
          },
          (keyId) =>
            keyId === "kiosk-k1" ? { secret: "sekret-biura", clientId: "office", revoked: false } : undefined,
          Date.now() / 1000,
          300,
        );
        received.push({
          path: req.url ?? "",
          verdict: verdict.ok ? "ok" : verdict.code,
          body,
          kiosk: req.headers["x-kiosk-id"] as string,
        });
        res.statusCode = verdict.ok ? 201 : 401;
        res.end();
      });
    });
    await new Promise<void>((resolve) => office.listen(0, "127.0.0.1", () => resolve()));
    const url = `http://127.0.0.1:${(office.address() as { port: number }).port}/office`;
    try {
      const env = { EK__office__url: url, EK__office__keyId: "kiosk-k1", EK__office__secret: "sekret-biura" };
      const run = await backup(["--send-to-office"], env);
      expect(run.exitCode, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as { backup: string; sentToOffice: boolean };
      expect(report.sentToOffice).toBe(true);
      expect(received).toHaveLength(1);
      expect(received[0].path).toBe(`/office/backups/${report.backup.split("/").pop()}`);
      expect(received[0].verdict).toBe("ok");
      expect(received[0].kiosk).toBe("K1");
      expect(received[0].body.equals(readFileSync(report.backup))).toBe(true);

      const refused = await backup(["--send-to-office"], { ...env, EK__office__secret: "inny-sekret" });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain("kept locally, but sending it to the office failed: office answered 401");
    } finally {
      office.close();
    }
  }, 30_000);

  it("will not send personal data to the office without https", async () => {
    liveDatabase(0);
    const run = await backup(["--send-to-office"], {
      EK__office__url: "http://office.example.pl/",
      EK__office__keyId: "kiosk-k1",
      EK__office__secret: "sekret-biura",
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("refusing to send personal data without https");
  }, 30_000);
});
