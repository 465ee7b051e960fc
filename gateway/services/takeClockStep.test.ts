import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "../../db/client.ts";
import { ManualClock } from "../clock.ts";
import { createLogger } from "../logger.ts";
import { claimDue, expiredRows } from "../messaging/leases.ts";
import { enqueueMessages } from "../messaging/outbox.ts";
import { lastClockStep, takeClockStep } from "./takeClockStep.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function database() {
  const dir = mkdtempSync(join(tmpdir(), "ekor-clockstep-"));
  dirs.push(dir);
  return openDb(join(dir, "gateway.sqlite"));
}

describe("taking in a step of the system clock", () => {
  it("moves leases and message expiry with a day's step forward, so nothing expires or is reclaimed at once", () => {
    const { db, close } = database();
    const clock = new ManualClock("2026-03-02T10:00:00Z");
    enqueueMessages(db, clock, [
      { channel: "email", kind: "otp", recipient: "a@example.pl", text: "Kod 123456", maxAgeMs: 10 * 60_000 },
      { channel: "email", kind: "otp", recipient: "b@example.pl", text: "Kod 654321", maxAgeMs: 10 * 60_000 },
    ]);
    const held = claimDue(db, { channel: "email", owner: "w1", now: clock.now(), leaseMs: 60_000, limit: 1 });
    expect(held).toHaveLength(1);

    const before = clock.now();
    clock.advance(86_400_000);
    takeClockStep({ db, logger: createLogger("silent") }, { stepMs: 86_400_000, before, after: clock.now() });

    expect(expiredRows(db, clock.now(), 10), "a step must not expire the codes").toHaveLength(0);
    const reclaimed = claimDue(db, {
      channel: "email",
      owner: "w2",
      now: clock.now(),
      leaseMs: 60_000,
      limit: 10,
      reclaim: true,
    });
    expect(
      reclaimed.map((r) => r.recipient),
      "the live lease is not taken over",
    ).toEqual(["b@example.pl"]);
    expect(lastClockStep({ db })).toEqual({ at: "2026-03-03T10:00:00.000Z", seconds: 86_400 });

    clock.advance(11 * 60_000);
    const expired = expiredRows(db, clock.now(), 10).map((r) => r.recipient);
    expect(expired.sort(), "they still expire ten minutes after they were queued").toEqual([
      "a@example.pl",
      "b@example.pl",
    ]);
    close();
  });
});
