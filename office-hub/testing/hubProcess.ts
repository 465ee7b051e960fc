/** The hub as a real process (`bun office-hub/main.ts`), for tests and the bench. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

function env(databaseUrl: string, extra: Record<string, string> = {}) {
  return { ...process.env, DATABASE_URL: databaseUrl, OFFICE_HUB_LOG_LEVEL: "warn", ...extra };
}

/** Runs one CLI command and returns its output; throws with stderr when it fails. */
export function hubCli(databaseUrl: string, args: string[]): { stdout: string; stderr: string; status: number } {
  const run = spawnSync(process.execPath, [MAIN, ...args], { env: env(databaseUrl), encoding: "utf8" });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1 };
}

/** Issues a kiosk's push key through the CLI, as the technician does. */
export function provisionKioskByCli(databaseUrl: string, cooperativeId: string, kioskId: string) {
  const run = hubCli(databaseUrl, ["add-kiosk", kioskId, "--cooperative", cooperativeId]);
  if (run.status !== 0) throw new Error(`add-kiosk failed: ${run.stderr}`);
  const json = run.stdout.slice(run.stdout.indexOf("{"));
  return (JSON.parse(json) as { office: { keyId: string; secret: string } }).office;
}

export function officeKeyByCli(databaseUrl: string, cooperativeId: string) {
  const run = hubCli(databaseUrl, ["add-office-key", "--cooperative", cooperativeId]);
  if (run.status !== 0) throw new Error(`add-office-key failed: ${run.stderr}`);
  return {
    keyId: /key id: (\S+)/.exec(run.stdout)![1],
    secret: /secret: (\S+)/.exec(run.stdout)![1],
  };
}

export interface HubProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote (its log and its messages), to check no personal data is in it. */
  output(): string;
  /** SIGKILL: the hub dies mid-request, as on a power cut. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHubProcess(
  databaseUrl: string,
  port = 0,
  options: { logLevel?: string } = {},
): Promise<HubProcess> {
  const child = spawn(process.execPath, [MAIN, "serve"], {
    env: env(databaseUrl, {
      OFFICE_HUB_PORT: String(port),
      OFFICE_HUB_HOST: "127.0.0.1",
      ...(options.logLevel ? { OFFICE_HUB_LOG_LEVEL: options.logLevel } : {}),
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let out = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  child.stdout?.on("data", (d) => {
    out += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${stderr}`)), 15_000);
    child.stdout?.on("data", () => {
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}: ${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    child,
    output: () => out + stderr,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
