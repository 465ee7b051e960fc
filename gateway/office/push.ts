/**
 * Push sync for a gateway behind NAT: sends register events and delivery changes to the office
 * (`office.url`), signed like office requests, in order and in batches. Durable cursors live in
 * `sync_cursors`; while the office is down it retries with exponential backoff and full jitter
 * for as long as it takes, and resumes exactly after the last batch the office acknowledged.
 * The office answers with its head, which is authoritative: a lost answer only causes a resend
 * that the office recognises as a duplicate.
 */

import { eq } from "drizzle-orm";
import { syncCursors } from "../../db/schema/index.ts";
import { backoffMs } from "../../drivers/backoff.ts";
import type { GatewayContext } from "../context.ts";
import type { PartHealth } from "../health.ts";
import { kioskKeySet } from "../receipts/kioskKey.ts";
import { listDeliveries } from "../services/listDeliveries.ts";
import { listRegisterEvents } from "../services/listRegisterEvents.ts";
import { readCursor, writeCursor } from "./officeCopy.ts";
import { sha256Hex, signRequest } from "./signing.ts";

export const EVENTS_CURSOR = "push:register_events";
export const DELIVERIES_CURSOR = "push:deliveries";
/** Holds the SHA-256 of the last kiosk key set the office acknowledged. */
export const KIOSK_KEYS_CURSOR = "push:kiosk_keys";

type PushDeps = Pick<GatewayContext, "db" | "clock" | "config" | "logger" | "register" | "clockSynchronized">;

interface PushAnswer {
  head_seq?: number;
  problem?: { kind: string; seq: number };
}

class PushRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`office answered ${status}: ${body.slice(0, 200)}`);
  }
}

export class OfficePush {
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private failures = 0;
  private lastError: string | null = null;
  private lastSuccessAt: string | null = null;
  private readonly target: URL;
  private readonly key: { keyId: string; secret: string };

  constructor(private readonly deps: PushDeps) {
    const { url, keyId, secret } = deps.config.office;
    if (!url || !keyId || !secret) throw new Error("office.url, office.keyId and office.secret are all needed to push");
    this.target = new URL(url.endsWith("/") ? url : `${url}/`);
    this.key = { keyId, secret };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Push now instead of waiting for the next poll (e.g. right after an enrolment). */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  health(): PartHealth {
    const eventsCursor = readCursor(this.deps.db, EVENTS_CURSOR);
    const head = this.deps.register.status.ok ? this.deps.register.status.headSeq : eventsCursor;
    return {
      status: this.failures === 0 ? "ok" : this.failures < 5 ? "degraded" : "down",
      target: this.target.origin,
      pushedSeq: eventsCursor,
      lagEvents: Math.max(0, head - eventsCursor),
      deliveriesCursor: readCursor(this.deps.db, DELIVERIES_CURSOR),
      consecutiveFailures: this.failures,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
    };
  }

  /** One round: a batch of events, then a batch of delivery changes. True when anything moved. */
  async pushOnce(): Promise<boolean> {
    const movedKeys = await this.pushKioskKeys();
    const movedEvents = await this.pushEvents();
    const movedDeliveries = await this.pushDeliveries();
    return movedKeys || movedEvents || movedDeliveries;
  }

  /** The kiosk's public keys, whenever the set changes, so the office can verify slips. */
  private async pushKioskKeys(): Promise<boolean> {
    const set = kioskKeySet(this.deps.db);
    if (set.keys.length === 0) return false;
    const body = JSON.stringify(set);
    const digest = sha256Hex(body);
    const sent = this.deps.db.select().from(syncCursors).where(eq(syncCursors.name, KIOSK_KEYS_CURSOR)).get();
    if (sent?.value === digest) return false;
    await this.post("kiosk-keys", body);
    const at = this.deps.clock.now().toISOString();
    this.deps.db
      .insert(syncCursors)
      .values({ name: KIOSK_KEYS_CURSOR, value: digest, updatedAt: at })
      .onConflictDoUpdate({ target: syncCursors.name, set: { value: digest, updatedAt: at } })
      .run();
    return true;
  }

  private async run(): Promise<void> {
    const { pushIntervalMs, pushBackoffBaseMs, pushBackoffMaxMs } = this.deps.config.office;
    while (!this.stopped) {
      let wait: number;
      if (this.deps.clockSynchronized?.() === false) {
        // Signed requests carry our time; a Pi that has not reached NTP yet would be refused (or
        // worse, stamp events with a wrong time). Wait; nothing is lost, the cursor stays.
        this.lastError = "waiting for the system clock to synchronise (NTP)";
        await this.sleep(pushIntervalMs);
        continue;
      }
      try {
        const moved = await this.pushOnce();
        if (this.failures > 0) this.deps.logger.info({ after: this.failures }, "office push recovered");
        this.failures = 0;
        this.lastError = null;
        this.lastSuccessAt = this.deps.clock.now().toISOString();
        wait = moved ? 0 : pushIntervalMs;
      } catch (err) {
        this.failures++;
        this.lastError = (err as Error).message;
        wait = Math.max(10, backoffMs(this.failures, { baseMs: pushBackoffBaseMs, maxMs: pushBackoffMaxMs }));
        this.deps.logger.warn(
          { err: this.lastError, failures: this.failures, retryInMs: Math.round(wait) },
          "office push failed",
        );
      }
      if (wait > 0 && !this.stopped) await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async post(path: string, body: string): Promise<PushAnswer> {
    const url = new URL(path, this.target);
    const headers = signRequest(
      this.key,
      { method: "POST", pathWithQuery: url.pathname + url.search, body },
      this.deps.clock.now().getTime() / 1000,
    );
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "x-kiosk-id": this.deps.config.kioskId },
      body,
      signal: AbortSignal.timeout(this.deps.config.office.pushTimeoutMs),
    });
    const text = await response.text();
    let parsed: PushAnswer | undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.status === 409 && parsed && typeof parsed.head_seq === "number") return parsed;
    if (!response.ok || parsed === undefined) throw new PushRefused(response.status, text);
    return parsed;
  }

  private async pushEvents(): Promise<boolean> {
    const cursor = readCursor(this.deps.db, EVENTS_CURSOR);
    const page = listRegisterEvents(this.deps, { after: cursor, limit: this.deps.config.office.pushBatchSize });
    const head = this.deps.register.status.ok ? this.deps.register.status.headSeq : Number.POSITIVE_INFINITY;
    if (page.count === 0 && cursor >= head) return false;
    const answer = await this.post("register/events", page.json);
    if (answer.problem && answer.problem.kind !== "gap") {
      throw new Error(`office refused event ${answer.problem.seq}: ${answer.problem.kind}`);
    }
    // The office's head is the truth: behind ours after a gap (it lost data), equal after a repeat.
    const next = Math.max(0, Math.min(Number(answer.head_seq), cursor + page.count));
    if (next === cursor) throw new Error(`office did not take events after ${cursor} (its head: ${answer.head_seq})`);
    writeCursor(this.deps.db, EVENTS_CURSOR, next, this.deps.clock.now().toISOString());
    return true;
  }

  private async pushDeliveries(): Promise<boolean> {
    const cursor = readCursor(this.deps.db, DELIVERIES_CURSOR);
    const page = listDeliveries(this.deps, { after: cursor, limit: this.deps.config.office.pushBatchSize });
    if (page.changes.length === 0) return false;
    await this.post("deliveries", JSON.stringify({ changes: page.changes }));
    writeCursor(this.deps.db, DELIVERIES_CURSOR, page.next_cursor, this.deps.clock.now().toISOString());
    return true;
  }
}
