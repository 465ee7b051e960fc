/**
 * Putting a gateway into service: `npm run provision -- <command> [options]`.
 *
 *   init [--force-new]                       create the database (first start; the installer runs it)
 *   purge-demo                               remove the demo's office key, staff login and owners register
 *   office-key add <client> [--name TEXT]    new office API key; prints its secret once
 *   office-key list                          key ids, clients, dates (never secrets)
 *   office-key rotate <keyId> [--keep-old]   new key for the same client; the old one is revoked
 *                                            (--keep-old: later, with office-key revoke)
 *   office-key revoke <keyId>                requests signed with the key get 401 from then on
 *   owners load <file.csv|file.json> [--dry-run]
 *                                            load the office's owners register (the PUT /owners
 *                                            format, or its CSV export); --dry-run changes nothing
 *
 * Works on the gateway's data directory (DATA_DIR, CONFIG_FILE as for the gateway). Exit 0 on
 * success, 1 when the command failed or rows were rejected, 2 on a usage error.
 * Staff users: `npm run staff`. Backups and restore: `npm run backup`.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openDb } from "../../db/client.ts";
import { systemClock } from "../clock.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { KioskError } from "../errors.ts";
import { createLogger } from "../logger.ts";
import { ownersFromCsv } from "../office/commands.ts";
import { addOfficeKey } from "../services/addOfficeKey.ts";
import { importOwners, ownersRegisterSchema } from "../services/importOwners.ts";
import { listOfficeKeys } from "../services/listOfficeKeys.ts";
import { revokeOfficeKey } from "../services/revokeOfficeKey.ts";
import { rotateOfficeKey } from "../services/rotateOfficeKey.ts";
import { databaseFile, INIT_COMMAND, initDataDir } from "../startup/dataDir.ts";
import { describeLeftovers, hasDemoLeftovers, purgeDemo } from "../startup/demoLeftovers.ts";
import { StartupError } from "../startup/startupError.ts";

const USAGE = readFileSync(new URL(import.meta.url), "utf8")
  .split("*/")[0]
  .replace(/^\/\*\*\n/, "")
  .replace(/^ \* ?/gm, "");

class UsageError extends Error {}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h", default: false },
        "force-new": { type: "boolean", default: false },
        name: { type: "string" },
        "keep-old": { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function openExisting(config: ReturnType<typeof loadConfig>) {
  const file = databaseFile(config);
  if (!existsSync(file)) {
    throw new StartupError(
      "NOT_INITIALISED",
      `no database at ${file}: run \`${INIT_COMMAND}\` first (or restore a backup)`,
    );
  }
  return openDb(file);
}

function main(): number {
  const { positionals, values } = parse();
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  const deps = { clock: systemClock, logger: createLogger("silent") };

  if (command === "init") {
    if (values["force-new"]) {
      // A new register where one existed: the kiosk key and the receipt numbers (keys/) carry on.
      const file = databaseFile(config);
      if (existsSync(file)) throw new UsageError(`${file} exists; move it away first`);
      openDb(file).close();
      console.log(`created a new database ${file} (the kiosk key and receipt numbering are kept)`);
      return 0;
    }
    const result = initDataDir(config);
    console.log(result.created ? `created the database ${result.file}` : `the database ${result.file} already exists`);
    return 0;
  }

  const database = openExisting(config);
  try {
    const db = { ...deps, db: database.db };
    if (command === "purge-demo") {
      const found = purgeDemo(db);
      console.log(
        hasDemoLeftovers(found) ? `removed ${describeLeftovers(found)}` : "no demo data found; nothing to do",
      );
      return 0;
    }
    if (command === "office-key") {
      if (sub === "add") {
        if (!arg || !/^[a-z0-9-]{2,40}$/.test(arg)) throw new UsageError("office-key add <client>: 2-40 of a-z 0-9 -");
        const key = addOfficeKey(db, { clientId: arg, clientName: values.name });
        printSecret(key);
        return 0;
      }
      if (sub === "list") {
        const keys = listOfficeKeys(db);
        if (keys.length === 0) console.log("no office keys");
        for (const k of keys) {
          console.log(
            `${k.keyId.padEnd(28)} ${k.clientName.padEnd(24)} created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : "  active"}`,
          );
        }
        return 0;
      }
      if (sub === "rotate") {
        if (!arg) throw new UsageError("office-key rotate <keyId>");
        const key = rotateOfficeKey(db, { keyId: arg, keepOld: values["keep-old"] });
        printSecret(key);
        console.log(
          key.revoked
            ? `${key.revoked} is revoked`
            : `${arg} stays active: revoke it with \`npm run provision -- office-key revoke ${arg}\` once the office uses the new key`,
        );
        return 0;
      }
      if (sub === "revoke") {
        if (!arg) throw new UsageError("office-key revoke <keyId>");
        const { revokedAt } = revokeOfficeKey(db, arg);
        console.log(`${arg} revoked at ${revokedAt}`);
        return 0;
      }
      throw new UsageError(`office-key ${sub ?? ""}: expected add, list, rotate or revoke`);
    }
    if (command === "owners" && sub === "load") {
      if (!arg) throw new UsageError("owners load <file.csv|file.json> [--dry-run]");
      return loadOwners(db, arg, values["dry-run"]);
    }
    throw new UsageError(`unknown command: ${positionals.join(" ")}`);
  } finally {
    database.close();
  }
}

function printSecret(key: { keyId: string; secret: string }): void {
  console.log(`key id: ${key.keyId}`);
  console.log(`secret: ${key.secret}`);
  console.log("The secret is shown only now: give it to the office system (X-Office-Key and HMAC secret).");
}

function loadOwners(deps: Parameters<typeof importOwners>[0], file: string, dryRun: boolean): number {
  if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
  const text = readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = file.toLowerCase().endsWith(".json") ? JSON.parse(text) : ownersFromCsv(text);
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
  const parsed = ownersRegisterSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const result = importOwners(deps, parsed.data, { dryRun });
  const a = result.accepted;
  console.log(
    `${dryRun ? "dry run (nothing changed): would load" : "loaded"} ${a.buildings} buildings, ${a.flats} flats, ` +
      `${a.owners} owners, ${a.shares} ownership shares; ${dryRun ? "would deactivate" : "deactivated"} ` +
      `${result.deactivatedOwners} owners and ${result.deactivatedShares} shares no longer listed; ${result.rejected.length} rows rejected`,
  );
  for (const r of result.rejected) {
    const row = (parsed.data[r.section][r.index] ?? {}) as Record<string, unknown>;
    const id = row.code ?? row.id ?? (row.flatCode ? `${row.flatCode}/${row.ownerId}` : "");
    console.log(`  rejected ${r.section} row ${r.index + 1}${id ? ` (${id})` : ""}: ${r.reason}`);
  }
  return result.rejected.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`provision: ${err.message}\n(see: npm run provision -- --help)`);
    process.exitCode = 2;
  } else if (err instanceof ConfigError || err instanceof StartupError || err instanceof KioskError) {
    console.error(`provision: ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
