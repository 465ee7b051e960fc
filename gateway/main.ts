/**
 * Entry point: `bun gateway/main.ts [--demo]`. Production unless `--demo` (what `npm start`
 * passes) or `demo: true` in the configuration. Loads the config (a bad value stops here naming
 * the key), starts the gateway, serves HTTP and shuts down cleanly on SIGTERM/SIGINT within 10 s.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.ts";
import { assertRealDevices } from "./modes.ts";
import { startGateway } from "./runtime.ts";
import { assertDataDirReady } from "./startup/dataDir.ts";
import { StartupError } from "./startup/startupError.ts";
import { createNotifier } from "./systemd/notify.ts";

let demo = false;
try {
  demo = parseArgs({ options: { demo: { type: "boolean", default: false } } }).values.demo;
} catch (err) {
  console.error(`e-Korespondencja: ${(err as Error).message}\nusage: bun gateway/main.ts [--demo]`);
  process.exit(2);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env, demo ? { demo: true } : {});
  assertRealDevices(config);
  assertDataDirReady(config);
} catch (err) {
  refuseToStart(err);
}

/** A configuration or data-directory problem: one plain line saying what to do, no stack trace. */
function refuseToStart(err: unknown): never {
  if (err instanceof ConfigError || err instanceof StartupError) {
    console.error(`e-Korespondencja: cannot start: ${err.message}`);
    process.exit(2);
  }
  throw err;
}

const gateway = await startGateway(config).catch(refuseToStart);
const server = Bun.serve({
  hostname: config.server.host,
  port: config.server.port,
  fetch: gateway.app.fetch,
  idleTimeout: 60,
  // Bun's own outer cap (its default is 128 MiB); the routes cap far lower before reading.
  maxRequestBodySize: config.server.maxBodyBytes,
});
const officeServer = Bun.serve({
  hostname: config.office.listen.host,
  port: config.office.listen.port,
  fetch: gateway.officeApp.fetch,
  idleTimeout: 60,
  maxRequestBodySize: Math.max(config.office.maxBodyBytes, config.server.maxBodyBytes),
});

const urlOf = (s: typeof server) => {
  const host = s.hostname === "0.0.0.0" || s.hostname === "::" ? "127.0.0.1" : (s.hostname ?? "127.0.0.1");
  return `http://${host.includes(":") ? `[${host}]` : host}:${s.port}`;
};
const base = urlOf(server);
const office = urlOf(officeServer);
gateway.ctx.logger.info({ url: base, office }, "gateway listening");
console.log(
  [
    "",
    "e-Korespondencja gateway is running",
    `  Kiosk UI:        ${base}/`,
    `  Health:          ${base}/healthz`,
    `  Office API:      ${office}/office/v1  (OpenAPI: ${office}/office/v1/openapi.json)`,
    `  Staff console:   ${office}/office/`,
    ...(gateway.ctx.mailSink
      ? [`  Mail (demo):     ${base}/dev/mail  (SMTP sink on 127.0.0.1:${gateway.ctx.mailSink.port})`]
      : []),
    ...(gateway.ctx.sms.simulator && config.demo ? [`  SMS (demo):      ${base}/dev/sms  (SMS simulator)`] : []),
    `  Data directory:  ${config.dataDir}`,
    "",
  ].join("\n"),
);

// Under systemd (Type=notify): READY=1 now, WATCHDOG=1 while db and register are healthy.
const notifier = createNotifier(gateway.ctx);
await notifier?.ready(`listening on ${base}`);

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  gateway.ctx.logger.info({ signal }, "shutting down");
  const force = setTimeout(() => {
    gateway.ctx.logger.error("shutdown took longer than 10 s; exiting");
    process.exit(1);
  }, 9_500);
  force.unref();
  await notifier?.stop();
  await Promise.all([server.stop(false), officeServer.stop(false)]);
  await gateway.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
