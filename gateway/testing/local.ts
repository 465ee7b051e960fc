/**
 * What every test and bench that starts real processes on this machine needs: a free port on
 * loopback, a pause, the demo owners the gateway writes at its first demo start, a bulk send
 * committed before a start, and the gateway started as its own process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { openDb } from "../../db/client.ts";
import { systemClock } from "../clock.ts";
import { enqueueMessages } from "../messaging/outbox.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const BUN = join(ROOT, "node_modules", ".bin", "bun");

/** A TCP port on 127.0.0.1 that nothing listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it gives a value (not undefined or false); throws naming `what` after `ms`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export interface DemoOwner {
  flatCode: string;
  /** "ul. Lipowa 3 m. 12" */
  label: string;
  surnames: string[];
  /** The owner code printed on the demo register (what a resident types at the kiosk). */
  ownerCode: string;
}

/** The demo owners register the gateway writes to `<dataDir>/demo-owners.txt` at its first demo start. */
export function readDemoOwners(dataDir: string): DemoOwner[] {
  const owners: DemoOwner[] = [];
  for (const line of readFileSync(join(dataDir, "demo-owners.txt"), "utf8").split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const m = /^(\S+)\s+(.+? m\. \S+)\s+(.+?)\s+(\d{4,12})\s*$/.exec(line);
    if (m) owners.push({ flatCode: m[1], label: m[2], surnames: m[3].split(" / "), ownerCode: m[4] });
  }
  return owners;
}

/** A bulk send of `emails` emails and `sms` SMS with ids `<prefix>-mail-N` / `<prefix>-sms-N`, committed in one transaction. */
export function queueBulkSend(
  databaseFile: string,
  { prefix, emails, sms, repeatText = 1 }: { prefix: string; emails: number; sms: number; repeatText?: number },
): void {
  const database = openDb(databaseFile);
  try {
    database.db.transaction((tx) => {
      enqueueMessages(
        tx,
        systemClock,
        Array.from({ length: emails }, (_, i) => ({
          id: `${prefix}-mail-${i}`,
          channel: "email" as const,
          kind: "correspondence" as const,
          recipient: `${prefix}${i}@example.com`,
          subject: `Zawiadomienie ${i}`,
          text: `Treść zawiadomienia ${i} `.repeat(repeatText).trimEnd(),
        })),
      );
      enqueueMessages(
        tx,
        systemClock,
        Array.from({ length: sms }, (_, i) => ({
          id: `${prefix}-sms-${i}`,
          channel: "sms" as const,
          kind: "correspondence" as const,
          recipient: `+48600${String(1_000_000 + i).slice(1)}`,
          text: `Przypomnienie o płatności ${i}`,
        })),
      );
    });
  } finally {
    database.close();
  }
}

export interface GatewayChild {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * `bun gateway/main.ts` with a config file and data directory. `detached` gives it a process
 * group of its own, so that a kill of the group takes gammu-smsd and any inject with it.
 */
export function spawnGateway(configFile: string, dataDir: string, { detached = false } = {}): GatewayChild {
  let output = "";
  const child = spawn(BUN, ["gateway/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, CONFIG_FILE: configFile, DATA_DIR: dataDir, OFFICE_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached,
  });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  return { child, output: () => output };
}
