/**
 * The doctor: `npm run doctor` in a checkout, `sudo e-korespondencja-doctor` on the Pi.
 * Asks the running gateway's /healthz, then checks devices, mail, the office, the clock, disk,
 * database, register chain and backups directly; explains each finding in Polish and English.
 * Exit code 1 when something needs a technician, 0 otherwise.
 *   --config FILE     configuration (CONFIG_FILE)      --env-file FILE  KEY=VALUE overrides
 *   --data-dir DIR    data directory (DATA_DIR)         --url URL        gateway base URL
 *   --json            machine-readable output
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../../gateway/config.ts";
import { checkBoard } from "./board.ts";
import { checkBackups, checkDatabase, checkDisk } from "./data.ts";
import { checkGateway, checkModem, checkPrinter } from "./devices.ts";
import { exitCodeOf, type Finding, formatReport } from "./findings.ts";
import { checkClockSync, checkImap, checkOffice, checkSmtp } from "./services.ts";

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    "env-file": { type: "string" },
    "data-dir": { type: "string" },
    url: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

const env: Record<string, string | undefined> = { ...process.env };
if (values["env-file"] && existsSync(values["env-file"])) {
  for (const line of readFileSync(values["env-file"], "utf8").split("\n")) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m && env[m[1]] === undefined) env[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
}
if (values.config) env.CONFIG_FILE = values.config;
if (values["data-dir"]) env.DATA_DIR = values["data-dir"];

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A configuration the gateway refuses is the first thing to fix; nothing else can be checked
  // against it, so it is the one finding (in JSON too, so monitoring reads it like any other).
  const finding: Finding = {
    id: "config.valid",
    area: "Konfiguracja",
    status: "fail",
    pl: `brama nie wystartuje z tą konfiguracją: ${err.message}`,
    en: `the gateway will not start with this configuration: ${err.message}`,
    fix: {
      pl: `popraw klucz w ${env.CONFIG_FILE ?? "/etc/e-korespondencja/config.json"} (opis kluczy: docs/configuration.md)`,
      en: `correct the key in ${env.CONFIG_FILE ?? "/etc/e-korespondencja/config.json"} (the keys: docs/configuration.md)`,
    },
  };
  if (values.json) console.log(JSON.stringify({ ok: false, kioskId: null, findings: [finding] }, null, 2));
  else console.log(formatReport([finding], "e-Korespondencja — diagnostyka / doctor"));
  process.exit(1);
}

const url = (values.url ?? `http://127.0.0.1:${config.server.port}`).replace(/\/$/, "");
const gateway = await checkGateway(url);
const findings: Finding[] = [...gateway.findings];
findings.push(...checkModem(config, gateway.health));
findings.push(...(await checkBoard({ sysfs: env.EK_SYSFS, modelFile: env.EK_DT_MODEL })));
findings.push(...(await checkPrinter(config, gateway.health)));
const [smtp, imap, office, clock] = await Promise.all([
  checkSmtp(config),
  checkImap(config),
  checkOffice(config),
  checkClockSync(),
]);
findings.push(smtp, imap, ...office, clock);
findings.push(
  checkDisk(existsSync(config.dataDir) ? config.dataDir : "/", config.disk.minFreeMb, gateway.health?.parts.disk),
);
try {
  findings.push(...checkDatabase(config));
} catch (err) {
  findings.push({
    id: "db.integrity",
    area: "Baza danych",
    status: "fail",
    pl: `nie można otworzyć bazy: ${(err as Error).message}`,
    en: `cannot open the database: ${(err as Error).message}`,
  });
}
findings.push(checkBackups(config));

if (values.json) {
  console.log(JSON.stringify({ ok: exitCodeOf(findings) === 0, kioskId: config.kioskId, findings }, null, 2));
} else {
  const header = `e-Korespondencja — diagnostyka / doctor (kiosk ${config.kioskId}, ${new Date().toISOString()})`;
  console.log(formatReport(findings, header));
}
process.exit(exitCodeOf(findings));
