/**
 * The doctor against a running gateway with simulated devices — gammu-smsd with its dummy
 * modem, the virtual ESC/POS printer on a TCP port, a real SMTP server with a login, an office
 * HTTP server — first all green, then with each device or service missing: it must name it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../db/client.ts";
import { VirtualPrinter } from "../drivers/printer/virtual/virtualPrinter.ts";
import { type Dovecot, startDovecot } from "../gateway/testing/dovecot.ts";
import { freePort } from "../gateway/testing/local.ts";

const REPO = new URL("..", import.meta.url).pathname;
const BUN = join(REPO, "node_modules/.bin/bun");

interface Finding {
  id: string;
  status: "ok" | "info" | "warn" | "fail";
  pl: string;
  en: string;
}

let dir: string;
let gateway: ChildProcess | null = null;
let gatewayUrl: string;
let printer: VirtualPrinter;
let printerPort: number;
let smtp: SMTPServer;
let office: Server;
let imap: Dovecot;
let officeSkewMs = 0;
interface TestConfig {
  demo: boolean;
  logLevel: string;
  dataDir?: string;
  sms: Record<string, unknown>;
  printer: Record<string, unknown>;
  email: Record<string, unknown> & { pass: string; port: number; imap?: Record<string, unknown> };
  office?: { url: string; keyId?: string; secret?: string };
}
let baseConfig: TestConfig;

async function doctor(
  change: (config: TestConfig) => void = () => {},
  args: string[] = [],
): Promise<{ exitCode: number; findings: Finding[]; byId: (id: string) => Finding }> {
  const config = structuredClone(baseConfig);
  change(config);
  const file = join(dir, `doctor-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const run = await execa(BUN, ["deploy/doctor/main.ts", "--json", "--config", file, "--url", gatewayUrl, ...args], {
    cwd: REPO,
    reject: false,
    timeout: 45_000,
    env: { DATA_DIR: join(dir, "data") },
  });
  const report = JSON.parse(run.stdout) as { findings: Finding[] };
  const byId = (id: string) => {
    const found = report.findings.find((f) => f.id === id);
    if (!found) throw new Error(`no finding ${id} in ${run.stdout}`);
    return found;
  };
  return { exitCode: run.exitCode ?? -1, findings: report.findings, byId };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const healthz = async () =>
  (await fetch(`${gatewayUrl}/healthz`)).json() as Promise<{
    parts: Record<string, { status: string; paper?: string }>;
  }>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ekor-doctor-"));
  printer = new VirtualPrinter({ outDir: join(dir, "printer"), widthMm: 80, png: false });
  printerPort = await printer.start();
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    onAuth(auth, _session, cb) {
      if (auth.username === "kiosk" && auth.password === "tajne-hasło") cb(null, { user: "kiosk" });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, _session, cb) {
      stream.resume();
      stream.on("end", () => cb());
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  office = createServer((_req, res) => {
    res.setHeader("Date", new Date(Date.now() + officeSkewMs).toUTCString());
    res.end("e-Korespondencja office");
  });
  await new Promise<void>((resolve) => office.listen(0, "127.0.0.1", () => resolve()));
  mkdirSync(join(dir, "modem"));
  imap = await startDovecot();

  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  baseConfig = {
    demo: true,
    logLevel: "warn",
    sms: { driver: "gammu", model: "dummy", device: join(dir, "modem") },
    printer: { uri: `tcp://127.0.0.1:${printerPort}`, pollSeconds: 0.2 },
    email: {
      driver: "smtp",
      host: "127.0.0.1",
      port: (smtp.server.address() as { port: number }).port,
      ignoreTLS: true,
      user: "kiosk",
      pass: "tajne-hasło",
    },
  };
  writeFileSync(join(dir, "gateway.json"), JSON.stringify(baseConfig));
  // The doctor also checks the office URL and the bounce mailbox; the gateway runs without them.
  baseConfig.office = {
    url: `http://127.0.0.1:${(office.address() as { port: number }).port}/`,
    keyId: "k1-push",
    secret: "doctor-test-push-secret-0123456789",
  };
  baseConfig.email.imap = { host: "127.0.0.1", port: imap.port, secure: false, user: imap.user, pass: imap.pass };
  const log = openSync(join(dir, "gateway.log"), "w");
  gateway = spawn(BUN, ["gateway/main.ts"], {
    cwd: REPO,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      CONFIG_FILE: join(dir, "gateway.json"),
      DATA_DIR: join(dir, "data"),
      PORT: String(port),
      OFFICE_PORT: "0",
      HOST: "127.0.0.1",
    },
  });
  await waitFor(
    "the gateway with a registered dummy modem and a ready printer",
    async () => {
      const h = await healthz();
      return h.parts.modem?.status === "ok" && h.parts.printer?.status === "ok";
    },
    45_000,
  );
  await execa(BUN, ["gateway/cli/backup.ts"], {
    cwd: REPO,
    env: { CONFIG_FILE: join(dir, "gateway.json"), DATA_DIR: join(dir, "data") },
  });
}, 90_000);

afterAll(async () => {
  gateway?.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  gateway?.kill("SIGKILL");
  await printer?.stop();
  smtp?.close();
  office?.close();
  await imap?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("npm run doctor", () => {
  it("is all green with the simulated devices, and exits 0", async () => {
    const { exitCode, findings, byId } = await doctor();
    expect(findings.filter((f) => f.status === "fail")).toEqual([]);
    for (const id of [
      "gateway.running",
      "modem.device",
      "modem.sim",
      "modem.network",
      "printer.device",
      "printer.paper",
      "smtp.login",
      "imap.login",
      "office.reachable",
      "office.clock",
      "db.integrity",
      "db.register",
      "backups.recent",
    ]) {
      expect(byId(id).status, id).toBe("ok");
    }
    expect(exitCode).toBe(0);
  }, 60_000);

  it("names a missing modem", async () => {
    renameSync(join(dir, "modem"), join(dir, "modem-unplugged"));
    try {
      const { exitCode, byId } = await doctor();
      expect(byId("modem.device").status).toBe("fail");
      expect(byId("modem.device").pl).toContain(`nie znaleziono modemu: ${join(dir, "modem")}`);
      expect(exitCode).toBe(1);
    } finally {
      renameSync(join(dir, "modem-unplugged"), join(dir, "modem"));
    }
  }, 60_000);

  it("names a missing printer, and an empty paper roll", async () => {
    await printer.stop();
    try {
      const { exitCode, byId } = await doctor();
      expect(byId("printer.device").status).toBe("fail");
      expect(byId("printer.device").en).toContain(`printer not found: tcp://127.0.0.1:${printerPort}`);
      expect(exitCode).toBe(1);
    } finally {
      await printer.start(printerPort);
    }
    printer.state = "paper_out";
    await waitFor("the gateway to see the paper out", async () => (await healthz()).parts.printer.paper === "out");
    const { exitCode, byId } = await doctor();
    expect(byId("printer.paper")).toMatchObject({ status: "fail", pl: "brak papieru w drukarce" });
    expect(exitCode).toBe(1);
    printer.state = "ok";
  }, 60_000);

  it("names an SMTP server or bounce mailbox that refuses the login or is gone", async () => {
    const refused = await doctor((c) => {
      c.email.pass = "złe-hasło";
      c.email.imap = { ...c.email.imap, pass: "złe-hasło" };
    });
    expect(refused.byId("imap.login").status).toBe("fail");
    expect(refused.byId("imap.login").en).toContain("(login refused)");
    expect(refused.byId("smtp.login").status).toBe("fail");
    expect(refused.byId("smtp.login").pl).toContain("odrzucił login lub hasło");
    const closed = await freePort();
    const gone = await doctor((c) => {
      c.email.port = closed;
      c.email.imap = { host: "127.0.0.1", port: closed, user: "zwroty", pass: "x" };
    });
    expect(gone.byId("smtp.login").en).toContain(`SMTP server 127.0.0.1:${closed} is unreachable`);
    expect(gone.byId("imap.login").status).toBe("fail");
    expect(gone.byId("imap.login").en).toContain(`bounce mailbox 127.0.0.1:${closed} is unreachable`);
    expect(gone.exitCode).toBe(1);
  }, 60_000);

  it("names an unreachable office and a clock that disagrees with it", async () => {
    const closed = await freePort();
    const unreachable = await doctor((c) => {
      c.office = { ...c.office, url: `http://127.0.0.1:${closed}/` };
    });
    expect(unreachable.byId("office.reachable").status).toBe("fail");
    officeSkewMs = 5 * 60_000;
    try {
      const skewed = await doctor();
      expect(skewed.byId("office.clock").status).toBe("fail");
      expect(skewed.byId("office.clock").en).toMatch(/the clock is -(29\d|30\d) s off the office's/);
      expect(skewed.exitCode).toBe(1);
    } finally {
      officeSkewMs = 0;
    }
  }, 60_000);

  it("names a configuration the gateway would refuse, as a finding (also with --json)", async () => {
    const { exitCode, findings, byId } = await doctor((config) => {
      config.office = { url: "http://127.0.0.1:9/" };
    });
    expect(findings).toHaveLength(1);
    expect(byId("config.valid").status).toBe("fail");
    expect(byId("config.valid").en).toContain("office.keyId");
    expect(byId("config.valid").pl).toContain("konfiguracj");
    expect(exitCode).toBe(1);
  }, 60_000);

  it("names a gateway that is not running", async () => {
    const { exitCode, byId } = await doctor(() => {}, ["--url", `http://127.0.0.1:${await freePort()}`]);
    expect(byId("gateway.running").status).toBe("fail");
    expect(byId("gateway.running").pl).toContain("brama nie odpowiada");
    expect(byId("printer.paper").status).toBe("info");
    expect(exitCode).toBe(1);
  }, 60_000);

  it("names stale backups and a broken register chain", async () => {
    const backups = join(dir, "data", "backups");
    const old = new Date(Date.now() - 72 * 3_600_000);
    for (const name of readdirSync(backups)) utimesSync(join(backups, name), old, old);
    const stale = await doctor();
    expect(stale.byId("backups.recent").status).toBe("fail");
    expect(stale.byId("backups.recent").pl).toContain("nocne kopie nie działają");

    // A copy of the data directory whose register was tampered with.
    const copy = join(dir, "tampered");
    mkdirSync(copy);
    copyFileSync(join(backups, readdirSync(backups)[0]), join(copy, "gateway.sqlite"));
    const database = openDb(join(copy, "gateway.sqlite"));
    database.sqlite.exec(
      `INSERT INTO register_events (seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash)
       VALUES (1, 'withdrawn', 'A-1', NULL, '{}', '2026-01-01T10:00:00.000Z', '${"1".repeat(64)}', '${"2".repeat(64)}')`,
    );
    database.close();
    const broken = await doctor(
      (c) => {
        c.dataDir = copy;
      },
      ["--data-dir", copy],
    );
    expect(broken.byId("db.register").status).toBe("fail");
    expect(broken.byId("db.register").pl).toContain("łańcuch rejestru przerwany przy zdarzeniu #1");
    expect(broken.exitCode).toBe(1);
  }, 60_000);
});
