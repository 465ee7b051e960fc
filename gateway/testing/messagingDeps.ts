/**
 * For messaging tests: a migrated database in a temp dir, a manual clock, the consent register
 * and a config, without the rest of the gateway (whose own workers would compete for rows).
 * Also a scripted channel sender: a stand-in for SMTP/gammu whose answers the test decides.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../../db/client.ts";
import { ManualClock } from "../clock.ts";
import { type Config, validateConfig } from "../config.ts";
import type { ElectronicChannel } from "../domain/categories.ts";
import { createLogger } from "../logger.ts";
import type { ChannelSender, OutgoingMessage, SendResult } from "../messaging/types.ts";
import type { WorkerDeps } from "../messaging/worker.ts";
import { ConsentRegister } from "../services/register.ts";

export interface MessagingTestDeps extends WorkerDeps {
  clock: ManualClock;
  dispose(): void;
}

export function messagingDeps(
  overrides: Record<string, unknown> = {},
  now = "2026-03-02T10:00:00Z",
): MessagingTestDeps {
  const dataDir = mkdtempSync(join(tmpdir(), "ekor-msg-"));
  const config: Config = validateConfig({ dataDir, logLevel: "silent", ...overrides });
  const database = openDb(join(dataDir, "gateway.sqlite"));
  const clock = new ManualClock(now);
  const logger = createLogger("silent");
  const core = { db: database.db, clock, config, logger };
  return {
    ...core,
    register: new ConsentRegister(core),
    dispose() {
      database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Enrols a flat directly in the register (the kiosk's enrolment verb is not under test here). */
export function enrolFlat(
  deps: MessagingTestDeps,
  flatCode: string,
  contacts: { email?: string; mobile?: string },
  channels: ElectronicChannel[],
  at = "2026-01-01T10:00:00Z",
): void {
  deps.db.transaction((tx) =>
    deps.register.append(
      tx,
      { type: "enrolled", payload: { ...contacts, channels, consentVersion: "2021-08-v1" } },
      flatCode,
      `owner-${flatCode}`,
      at,
    ),
  );
}

type Script = (message: OutgoingMessage) => SendResult | Promise<SendResult>;

/** A channel sender that answers as the test says, recording every attempt. */
export class ScriptedSender implements ChannelSender {
  readonly attempts: OutgoingMessage[] = [];
  closed = false;

  constructor(
    readonly channel: "email" | "sms",
    public script: Script = () => ({ outcome: "sent" }),
  ) {}

  async send(message: OutgoingMessage): Promise<SendResult> {
    this.attempts.push(message);
    return this.script(message);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
