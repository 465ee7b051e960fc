/**
 * The office hub's entry: `npm run office-hub -- <command>`.
 *   serve (default)   receive pushes and serve the offices
 *   setup             create or update the database schema (safe to run again)
 *   add-cooperative   <id> --name "SM Nasz Dom"
 *   add-kiosk         <kiosk-id> --cooperative <id> [--url https://hub.example/push/v1]
 *   add-office-key    --cooperative <id>
 *   revoke-key        <key-id>
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { systemClock } from "../gateway/clock.ts";
import { createLogger } from "../gateway/logger.ts";
import { createHubApp } from "./app.ts";
import { HubConfigError, loadHubConfig } from "./config.ts";
import { migrateHubDb, openHubDb } from "./db/client.ts";
import { HubError } from "./errors.ts";
import { addCooperative, addOfficeKey, provisionKiosk, revokeKey } from "./services/provision.ts";
import { pruneNonces } from "./services/pruneNonces.ts";

const HELP = `Usage: npm run office-hub -- [command] [options]

Commands:
  serve                       receive kiosk pushes and serve the offices (default)
  setup                       create or update the database schema; safe to run again
  add-cooperative <id> --name <name>
  add-kiosk <kiosk-id> --cooperative <id> [--url <hub push URL>]
                              register a kiosk and issue its push key (shown once)
            [--key-id <id> --secret-file <file>]
                              register the key the kiosk already has (a rebuilt hub)
  add-office-key --cooperative <id>
                              issue a key the office signs its reads with (shown once)
  revoke-key <key-id>

Options:
  --config <file>   JSON configuration (also OFFICE_HUB_CONFIG)
  -h, --help        this text

Environment: DATABASE_URL (required), OFFICE_HUB_HOST, OFFICE_HUB_PORT, OFFICE_HUB_LOG_LEVEL.
See docs/office-hub.md.`;

function fail(message: string, code = 2): never {
  console.error(`office-hub: ${message}`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string" },
        name: { type: "string" },
        cooperative: { type: "string" },
        url: { type: "string" },
        "key-id": { type: "string" },
        "secret-file": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  }
  try {
    parsed = parse();
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return;
  }
  const [command = "serve", ...rest] = positionals;
  const known = ["serve", "setup", "add-cooperative", "add-kiosk", "add-office-key", "revoke-key"];
  if (!known.includes(command)) fail(`unknown command "${command}"\n\n${HELP}`);
  const config = loadHubConfig({ file: values.config });
  const logger = createLogger(config.logLevel).child({ svc: "office-hub" });
  const opened = openHubDb(config.databaseUrl, config.poolSize);
  const { db } = opened;
  try {
    await db.execute(sql`select 1`);
  } catch (err) {
    await opened.close();
    fail(`cannot reach PostgreSQL at databaseUrl: ${(err as Error).message}`, 1);
  }
  if (command === "serve") return serve(opened, config, logger);
  try {
    if (command === "setup") {
      await migrateHubDb(db);
      console.log("office-hub: database schema is up to date");
    } else if (command === "add-cooperative") {
      const id = rest[0] ?? fail('add-cooperative needs an id, e.g. add-cooperative nasz-dom --name "SM Nasz Dom"');
      const { created } = await addCooperative({ db }, { id, name: values.name ?? id });
      console.log(created ? `cooperative ${id} added` : `cooperative ${id} already exists`);
    } else if (command === "add-kiosk") {
      const kioskId = rest[0] ?? fail("add-kiosk needs the kiosk id (the kiosk's kioskId setting)");
      const cooperativeId = values.cooperative ?? fail("add-kiosk needs --cooperative <id>");
      const existing =
        values["key-id"] || values["secret-file"]
          ? {
              keyId: values["key-id"] ?? fail("--secret-file needs --key-id"),
              secret: readFileSync(values["secret-file"] ?? fail("--key-id needs --secret-file"), "utf8").trim(),
            }
          : undefined;
      const key = await provisionKiosk({ db }, { cooperativeId, kioskId, existing });
      const url = values.url ?? "https://<this hub>/push/v1";
      console.log(
        [
          `kiosk ${kioskId} of ${cooperativeId}: push key issued (the secret is shown only now)`,
          "Put this into the kiosk's configuration (/etc/e-korespondencja/config.json):",
          JSON.stringify({ kioskId, office: { url, keyId: key.keyId, secret: key.secret } }, null, 2),
        ].join("\n"),
      );
    } else if (command === "add-office-key") {
      const cooperativeId = values.cooperative ?? fail("add-office-key needs --cooperative <id>");
      const key = await addOfficeKey({ db }, { cooperativeId });
      console.log(
        `office key for ${cooperativeId} (the secret is shown only now):\n  key id: ${key.keyId}\n  secret: ${key.secret}`,
      );
    } else if (command === "revoke-key") {
      const keyId = rest[0] ?? fail("revoke-key needs the key id");
      await revokeKey({ db, clock: systemClock }, { keyId });
      console.log(`key ${keyId} revoked`);
    }
  } catch (err) {
    if (err instanceof HubError) fail(err.message, 1);
    if (/relation .* does not exist/.test((err as Error).message))
      fail("the database is not set up: run `npm run office-hub -- setup`", 1);
    throw err;
  } finally {
    await opened.close();
  }
}

async function serve(
  opened: ReturnType<typeof openHubDb>,
  config: ReturnType<typeof loadHubConfig>,
  logger: ReturnType<typeof createLogger>,
): Promise<void> {
  const { db } = opened;
  const [ready] = await db.execute<{ t: string | null }>(sql`select to_regclass('public.kiosks')::text as t`);
  if (!ready?.t) {
    await opened.close();
    fail("the database is not set up: run `npm run office-hub -- setup` first", 1);
  }
  const app = createHubApp({ db, config, logger, clock: systemClock });
  const server = Bun.serve({
    hostname: config.listen.host,
    port: config.listen.port,
    fetch: app.fetch,
    maxRequestBodySize: config.maxBodyBytes,
  });
  const prune = setInterval(() => {
    pruneNonces({ db, clock: systemClock }, { olderThanSeconds: config.windowSeconds * 2 }).catch((err) =>
      logger.warn({ err: { message: (err as Error).message } }, "nonce pruning failed"),
    );
  }, 60_000);
  logger.info({ host: config.listen.host, port: server.port }, "office hub listening");
  console.log(`office-hub: listening on http://${config.listen.host}:${server.port}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(prune);
    await server.stop();
    await opened.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof HubConfigError) fail(err.message, 2);
  console.error(`office-hub: ${(err as Error).message}`);
  process.exit(1);
});
