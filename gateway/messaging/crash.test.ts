/**
 * Crash test: a real gateway process (`npx bun gateway/main.ts`) sends a burst of 1,000 emails
 * while the test SIGKILLs it at random moments and restarts it, 20 times.
 *
 * What "exactly once" means here: delivery is at least once (a message accepted by the server
 * but not yet committed as sent when the process dies is sent again after its lease expires),
 * and it carries the same Message-ID every time (derived from the outbox id), so the receiving
 * side recognises the repeat. The test checks that every message reached the sink, that the
 * sink saw each Message-ID (deduplicated) exactly once per message, that a message came twice
 * only if the server had accepted it while the killed process had not yet committed it as sent
 * (the at-least-once window), that each message is recorded `sent` exactly once, and that the
 * database survived the kills (`PRAGMA integrity_check`).
 *
 * The child is the real gateway (`gateway/main.ts`) started with the project's bun binary.
 * Most of its time is 21 gateway start-ups: 49 s at load average ~7 on the shared 2-core
 * development box, about 2 minutes at load average ~14.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, describe, expect, it } from "vitest";
import { integrityCheck, openDb } from "../../db/client.ts";
import { deliveries, outbox } from "../../db/schema/index.ts";
import { systemClock } from "../clock.ts";
import { enqueueMessage } from "./outbox.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const MESSAGES = 1000;
const KILLS = 20;
const CONCURRENCY = 2;

const dataDir = mkdtempSync(join(tmpdir(), "ekor-crash-"));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** A sink that counts Message-IDs; a few ms per message so the burst spans the kills. */
async function countingSink() {
  const seen = new Map<string, number>();
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    closeTimeout: 200,
    onData(stream, _session, callback) {
      let head = "";
      stream.on("data", (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString("latin1");
      });
      stream.on("end", () => {
        const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? "none";
        setTimeout(() => {
          seen.set(id, (seen.get(id) ?? 0) + 1);
          callback(null, "2.0.0 Ok");
        }, 4);
      });
    },
  });
  server.on("error", () => {
    // the killed gateway's connections reset: expected
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    seen,
    port: (server.server.address() as AddressInfo).port,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The project's own bun (what `npx bun` resolves to), without npx's start-up on every restart. */
const BUN = join(ROOT, "node_modules", ".bin", "bun");

function spawnGateway(configFile: string): ChildProcess {
  return spawn(BUN, ["gateway/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, CONFIG_FILE: configFile, DATA_DIR: dataDir, OFFICE_PORT: "0" },
    stdio: "ignore",
    detached: false,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const total = (seen: Map<string, number>) => [...seen.values()].reduce((a, b) => a + b, 0);

describe("crash safety of the outbox", () => {
  it(`delivers ${MESSAGES} emails once each (by Message-ID) across ${KILLS} SIGKILLs`, async () => {
    const sink = await countingSink();
    const configFile = join(dataDir, "config.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        // the demo: simulated SMS and printer (only the email path is under test)
        demo: true,
        dataDir,
        logLevel: "error",
        server: { host: "127.0.0.1", port: 0 },
        email: { driver: "smtp", host: "127.0.0.1", port: sink.port, pool: CONCURRENCY },
        outbox: { leaseSeconds: 2, pollMs: 200, concurrency: { email: CONCURRENCY } },
      }),
    );
    // the burst is committed before the first gateway starts (as one office push would be)
    const database = openDb(join(dataDir, "gateway.sqlite"));
    const ids: string[] = [];
    database.db.transaction((tx) => {
      for (let i = 0; i < MESSAGES; i++) {
        ids.push(
          enqueueMessage(tx, systemClock, {
            id: `crash-${i}`,
            channel: "email",
            kind: "correspondence",
            recipient: `r${i}@example.com`,
            subject: `List ${i}`,
            text: `Treść listu ${i}`,
          }),
        );
      }
    });

    // Message-IDs the sink had accepted while the killed process had not committed them as sent
    const mayRepeat = new Map<string, number>();
    const notSent = database.sqlite.query("SELECT id FROM outbox WHERE status != 'sent'");
    let kills = 0;
    for (; kills < KILLS; kills++) {
      child = spawnGateway(configFile);
      const before = total(sink.seen);
      // kill at a random moment: mostly while sending, sometimes during start-up
      if (kills % 5 === 4) {
        await sleep(50 + Math.random() * 400);
      } else {
        for (let i = 0; i < 3000 && total(sink.seen) === before; i++) await sleep(10);
        await sleep(Math.random() * 250);
      }
      const exited = new Promise((r) => child?.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      for (const { id } of notSent.all() as Array<{ id: string }>) {
        const messageId = `<${id}@k1.naszdom.radom.pl>`;
        if (sink.seen.has(messageId)) mayRepeat.set(messageId, (mayRepeat.get(messageId) ?? 0) + 1);
      }
    }
    const sentBeforeFinalRun = new Set(sink.seen.keys()).size;

    child = spawnGateway(configFile);
    const statusOf = database.sqlite.query("SELECT count(*) AS n FROM outbox WHERE status = 'sent'");
    for (let i = 0; i < 1200; i++) {
      if ((statusOf.get() as { n: number }).n === MESSAGES) break;
      await sleep(50);
    }
    const exited = new Promise((r) => child?.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    await sink.stop();

    const expectedIds = ids.map((id) => `<${id}@k1.naszdom.radom.pl>`).sort();
    expect([...sink.seen.keys()].sort()).toEqual(expectedIds);
    const repeats = total(sink.seen) - sink.seen.size;
    // at-least-once: a message comes again only if a kill caught it accepted but not yet recorded
    for (const [messageId, times] of sink.seen) {
      if (times > 1) expect(times - 1, messageId).toBeLessThanOrEqual(mayRepeat.get(messageId) ?? 0);
    }
    expect(sentBeforeFinalRun).toBeLessThan(MESSAGES); // the kills really hit the burst
    const rows = database.db.select().from(outbox).all();
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(MESSAGES);
    const sentRecords = database.db.select().from(deliveries).where(eq(deliveries.status, "sent")).all();
    expect(new Set(sentRecords.map((d) => d.messageId)).size).toBe(MESSAGES);
    expect(sentRecords).toHaveLength(MESSAGES);
    expect(integrityCheck(database.sqlite)).toBe("ok");
    database.close();
    console.log(
      `crash test: ${kills} kills, ${MESSAGES} messages, ${total(sink.seen)} SMTP deliveries (${repeats} repeats deduplicated by Message-ID), ${sentBeforeFinalRun} sent before the final run`,
    );
  }, 240_000);
});
