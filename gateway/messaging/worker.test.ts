import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { deliveries, outbox } from "../../db/schema/index.ts";
import { enrolFlat, type MessagingTestDeps, messagingDeps, ScriptedSender } from "../testing/messagingDeps.ts";
import { enqueueMessage, type NewMessage } from "./outbox.ts";
import type { SendResult } from "./types.ts";
import { OutboxWorker } from "./worker.ts";

let deps: MessagingTestDeps;
const workers: OutboxWorker[] = [];

function setup(overrides: Record<string, unknown> = {}, now?: string) {
  deps = messagingDeps(overrides, now);
  return deps;
}

function worker(random = () => 0.5) {
  const w = new OutboxWorker(deps, { random });
  workers.push(w);
  return w;
}

const enqueue = (m: Partial<NewMessage> & Pick<NewMessage, "kind">) =>
  enqueueMessage(deps.db, deps.clock, { channel: "sms", recipient: "+48600100200", text: "Treść", ...m });

const row = (id: string) => deps.db.select().from(outbox).where(eq(outbox.id, id)).get();
const deliveryRows = (id: string) => deps.db.select().from(deliveries).where(eq(deliveries.messageId, id)).all();

afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop(10);
  deps?.dispose();
});

describe("outbox workers", () => {
  it("sends one-time codes first, then reminders and notices, then bulk letters", async () => {
    setup();
    const sender = new ScriptedSender("sms");
    enqueue({ id: "letter-1", kind: "correspondence" });
    enqueue({ id: "letter-2", kind: "correspondence" });
    enqueue({ id: "reminder", kind: "reminder" });
    enqueue({ id: "code", kind: "otp" });
    const w = worker();
    w.addSender(sender, { concurrency: 1, perMinute: 0 });
    await w.runUntilIdle();
    expect(sender.attempts.map((m) => m.id)).toEqual(["code", "reminder", "letter-1", "letter-2"]);
    expect(row("code")?.status).toBe("sent");
    expect(deliveryRows("letter-2").map((d) => d.status)).toEqual(["sent"]);
  });

  it("retries a transient failure with exponential backoff and full jitter, then sends", async () => {
    setup({ outbox: { retryBaseSeconds: 30, retryMaxSeconds: 3600 } });
    const answers: SendResult[] = [
      { outcome: "retry", reason: "421 busy" },
      { outcome: "retry", reason: "450 busy" },
      { outcome: "retry", reason: "452 full" },
      { outcome: "sent" },
    ];
    const sender = new ScriptedSender("email", () => answers.shift() as SendResult);
    const id = enqueue({ kind: "notice", channel: "email", recipient: "jan@example.com" });
    const w = worker(() => 0.5);
    w.addSender(sender);
    const start = deps.clock.now().getTime();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await w.runUntilIdle();
      const r = row(id);
      expect(r?.status).toBe("pending");
      expect(r?.attempts).toBe(attempt);
      const wait = Date.parse(r?.nextAttemptAt ?? "") - deps.clock.now().getTime();
      waits.push(wait);
      // nothing happens before the time
      deps.clock.advance(wait - 1);
      await w.runUntilIdle();
      expect(sender.attempts).toHaveLength(attempt);
      deps.clock.advance(1);
    }
    // random 0.5 × min(cap, 30 s × 2^(n-1)): 15 s, 30 s, 60 s
    expect(waits).toEqual([15_000, 30_000, 60_000]);
    await w.runUntilIdle();
    expect(row(id)?.status).toBe("sent");
    expect(row(id)?.lastError).toBe("452 full");
    expect(deps.clock.now().getTime() - start).toBe(105_000);
  });

  it("caps the backoff and draws the jitter from the whole range", async () => {
    setup({ outbox: { retryBaseSeconds: 30, retryMaxSeconds: 100 } });
    const sender = new ScriptedSender("email", () => ({ outcome: "retry", reason: "451" }));
    const id = enqueue({ kind: "notice", channel: "email", recipient: "jan@example.com" });
    const w = worker(() => 0.999);
    w.addSender(sender);
    for (let i = 0; i < 6; i++) {
      await w.runUntilIdle();
      deps.clock.set(row(id)?.nextAttemptAt ?? "");
    }
    await w.runUntilIdle();
    const wait = Date.parse(row(id)?.nextAttemptAt ?? "") - deps.clock.now().getTime();
    expect(wait).toBeLessThan(100_000);
    expect(wait).toBeGreaterThan(99_000);
  });

  it("falls back to paper when a letter's time runs out, so the office sees it", async () => {
    setup({ outbox: { retryBaseSeconds: 60, retryMaxSeconds: 600 } });
    const sender = new ScriptedSender("email", () => ({ outcome: "retry", reason: "421 try later" }));
    const id = enqueue({
      kind: "correspondence",
      channel: "email",
      recipient: "jan@example.com",
      correspondenceId: "corr-1",
      maxAgeMs: 3_600_000,
    });
    const w = worker(() => 1);
    w.addSender(sender);
    for (let i = 0; i < 50 && row(id)?.status !== "paper"; i++) {
      await w.runUntilIdle();
      deps.clock.advance(600_000);
    }
    const r = row(id);
    expect(r?.status).toBe("paper");
    const paper = deliveryRows(id).at(-1);
    expect(paper).toMatchObject({ channel: "paper", status: "paper", correspondenceId: "corr-1" });
    expect(paper?.reason).toMatch(/expired after \d+ attempt\(s\): 421 try later/);
    expect(sender.attempts.length).toBeGreaterThan(1);
  });

  it("lets an expired one-time code fail instead of going to paper", async () => {
    setup();
    const id = enqueue({ kind: "otp", maxAgeMs: 60_000 });
    deps.clock.advance(61_000);
    const sender = new ScriptedSender("sms");
    const w = worker();
    w.addSender(sender);
    await w.runUntilIdle();
    expect(sender.attempts).toHaveLength(0);
    expect(row(id)?.status).toBe("failed");
    expect(deliveryRows(id).map((d) => [d.channel, d.status])).toEqual([["sms", "failed"]]);
  });

  it("reclaims a message whose worker crashed once the lease has expired", async () => {
    setup({ outbox: { leaseSeconds: 30 } });
    const id = enqueue({ kind: "notice" });
    // worker A claims the row and "crashes": its send never returns
    const crashed = new OutboxWorker(deps, { owner: "A" });
    workers.push(crashed);
    crashed.addSender(new ScriptedSender("sms", () => new Promise<SendResult>(() => {})));
    crashed.pump();
    expect(row(id)).toMatchObject({ status: "sending", leaseOwner: "A", attempts: 1 });

    const sender = new ScriptedSender("sms");
    const w = new OutboxWorker(deps, { owner: "B" });
    workers.push(w);
    w.addSender(sender);
    await w.runUntilIdle();
    expect(sender.attempts).toHaveLength(0);
    deps.clock.advance(30_001);
    await w.runUntilIdle();
    expect(sender.attempts.map((m) => m.id)).toEqual([id]);
    expect(row(id)).toMatchObject({ status: "sent", attempts: 2, leaseOwner: null });
  });

  it("keeps renewing the lease of a message it still holds, so nobody else takes it", async () => {
    setup({ outbox: { leaseSeconds: 30 } });
    const id = enqueue({ kind: "notice" });
    const slow = new OutboxWorker(deps, { owner: "A" });
    workers.push(slow);
    slow.addSender(new ScriptedSender("sms", () => new Promise<SendResult>(() => {})));
    slow.pump();
    const other = new ScriptedSender("sms");
    const b = new OutboxWorker(deps, { owner: "B" });
    workers.push(b);
    b.addSender(other);
    for (let i = 0; i < 4; i++) {
      deps.clock.advance(20_000);
      slow.pump(); // A is alive: its passes renew the lease
      await b.runUntilIdle();
    }
    expect(other.attempts).toHaveLength(0);
    expect(row(id)).toMatchObject({ status: "sending", leaseOwner: "A" });
    expect(Date.parse(row(id)?.leaseUntil ?? "")).toBe(deps.clock.now().getTime() + 30_000);
  });

  it("holds ordinary SMS during quiet hours but lets codes (and outage alerts) through", async () => {
    // 21:30 UTC = 22:30 in Warsaw: quiet (default sending window 08:00–20:00)
    setup({}, "2026-03-02T21:30:00Z");
    const reminder = enqueue({ kind: "reminder" });
    const code = enqueue({ kind: "otp" });
    const outage = enqueue({ kind: "notice", category: "outage" });
    const sender = new ScriptedSender("sms");
    const w = worker();
    w.addSender(sender);
    await w.runUntilIdle();
    expect(sender.attempts.map((m) => m.id).sort()).toEqual([code, outage].sort());
    expect(row(reminder)).toMatchObject({ status: "pending", attempts: 0 });
    deps.clock.set("2026-03-03T06:59:00Z"); // 07:59 in Warsaw
    await w.runUntilIdle();
    expect(row(reminder)?.status).toBe("pending");
    deps.clock.set("2026-03-03T07:00:00Z"); // 08:00
    await w.runUntilIdle();
    expect(row(reminder)?.status).toBe("sent");
  });

  it("keeps outage alerts quiet too when the configuration says so", async () => {
    setup({ sms: { quietHours: { outageExempt: false } } }, "2026-07-02T19:00:00Z"); // 21:00 CEST
    const outage = enqueue({ kind: "notice", category: "outage" });
    const sender = new ScriptedSender("sms");
    const w = worker();
    w.addSender(sender);
    await w.runUntilIdle();
    expect(sender.attempts).toHaveLength(0);
    expect(row(outage)?.status).toBe("pending");
  });

  it("sends at most sms.perMinute messages a minute, and a code still overtakes", async () => {
    setup({ sms: { perMinute: 8 } });
    for (let i = 0; i < 20; i++) enqueue({ id: `r${i}`, kind: "reminder" });
    const sender = new ScriptedSender("sms");
    const w = worker();
    w.addSender(sender);
    await w.runUntilIdle();
    expect(sender.attempts).toHaveLength(8);
    deps.clock.advance(30_000);
    await w.runUntilIdle();
    expect(sender.attempts).toHaveLength(8);
    const code = enqueue({ kind: "otp" });
    await w.runUntilIdle();
    expect(sender.attempts.at(-1)?.id).toBe(code);
    deps.clock.advance(30_000);
    await w.runUntilIdle();
    // the code counted against the window: 7 more in the next minute
    expect(sender.attempts).toHaveLength(16);
  });

  it("wakes up at once when poked, long before its poll interval", async () => {
    setup({ outbox: { pollMs: 60_000 } });
    const sender = new ScriptedSender("sms");
    const w = worker();
    w.addSender(sender);
    w.start();
    await new Promise((r) => setTimeout(r, 20));
    const id = enqueue({ kind: "otp" });
    w.poke();
    for (let i = 0; i < 100 && row(id)?.status !== "sent"; i++) await new Promise((r) => setTimeout(r, 10));
    expect(row(id)?.status).toBe("sent");
  });

  it("keeps a slot for a one-time code when bulk letters fill the lane", async () => {
    setup({ outbox: { pollMs: 60_000 } });
    const release: Array<() => void> = [];
    const sender = new ScriptedSender("sms", (m) =>
      m.kind === "otp"
        ? { outcome: "sent" }
        : new Promise<SendResult>((r) => release.push(() => r({ outcome: "sent" }))),
    );
    for (let i = 0; i < 5; i++) enqueue({ id: `bulk-${i}`, kind: "correspondence" });
    const w = worker();
    w.addSender(sender, { concurrency: 2, perMinute: 0 });
    w.start();
    for (let i = 0; i < 100 && release.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(release).toHaveLength(2); // the lane is full of slow bulk letters
    const code = enqueue({ id: "code", kind: "otp" });
    w.poke();
    for (let i = 0; i < 100 && row(code)?.status !== "sent"; i++) await new Promise((r) => setTimeout(r, 10));
    expect(row(code)?.status).toBe("sent");
    expect(release).toHaveLength(2); // no third bulk letter took the code's slot
    for (const r of release.splice(0)) r();
  });

  it("starts no bulk send while a one-time code is being handed over, and resumes once it is", async () => {
    setup({ outbox: { pollMs: 60_000 } });
    const release: Array<() => void> = [];
    let releaseCode: (() => void) | undefined;
    const started: string[] = [];
    const sender = new ScriptedSender("sms", (m) => {
      started.push(m.id);
      return new Promise<SendResult>((r) => {
        if (m.kind === "otp") releaseCode = () => r({ outcome: "sent" });
        else release.push(() => r({ outcome: "sent" }));
      });
    });
    const waitFor = async (ok: () => boolean) => {
      for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    for (let i = 0; i < 2; i++) enqueue({ id: `bulk-${i}`, kind: "correspondence" });
    const w = worker();
    w.addSender(sender, { concurrency: 4, perMinute: 0 });
    w.start();
    await waitFor(() => release.length === 2);
    enqueue({ id: "code", kind: "otp" });
    w.poke();
    await waitFor(() => releaseCode !== undefined);
    for (let i = 2; i < 5; i++) enqueue({ id: `bulk-${i}`, kind: "correspondence" });
    w.poke();
    await new Promise((r) => setTimeout(r, 100));
    expect(started).toEqual(["bulk-0", "bulk-1", "code"]); // room for two more, but the code is in flight
    releaseCode?.();
    await waitFor(() => started.length === 5);
    expect(started.slice(3).sort()).toEqual(["bulk-2", "bulk-3"]);
    for (const r of release.splice(0)) r();
  });

  it("records the sends that finish after the outbox ran dry together, not in a commit each", async () => {
    setup({ outbox: { pollMs: 60_000 } });
    const release: Array<() => void> = [];
    const sender = new ScriptedSender(
      "sms",
      () => new Promise<SendResult>((r) => release.push(() => r({ outcome: "sent" }))),
    );
    const ids = Array.from({ length: 8 }, (_, i) => enqueue({ id: `letter-${i}`, kind: "correspondence" }));
    const w = worker();
    w.addSender(sender, { concurrency: 8, perMinute: 0 });
    let passes = 0;
    const pass = w.pump.bind(w);
    w.pump = () => {
      passes++;
      return pass();
    };
    w.start();
    for (let i = 0; i < 100 && release.length < 8; i++) await new Promise((r) => setTimeout(r, 10));
    expect(release).toHaveLength(8); // every row claimed and in flight: nothing more is due
    passes = 0;
    for (const r of release.splice(0)) {
      r();
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 100 && ids.some((id) => row(id)?.status !== "sent"); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(ids.map((id) => row(id)?.status)).toEqual(ids.map(() => "sent"));
    // The first result's pass finds the outbox empty; the other seven wait for one group commit.
    expect(passes).toBeLessThanOrEqual(2);
  });

  it("on stop gives back rows it claimed but did not start, and leaves the one in flight leased", async () => {
    setup();
    const ids = [0, 1, 2, 3].map((i) =>
      enqueue({ id: `n${i}`, kind: "notice", channel: "email", recipient: "a@b.pl" }),
    );
    const sender = new ScriptedSender("email", () => new Promise<SendResult>(() => {}));
    const w = new OutboxWorker(deps, { owner: "S" });
    w.addSender(sender, { concurrency: 1, prefetch: 4 });
    w.pump();
    expect(ids.map((id) => row(id)?.status)).toEqual(["sending", "sending", "sending", "sending"]);
    await w.stop(20);
    expect(ids.map((id) => row(id)?.status)).toEqual(["sending", "pending", "pending", "pending"]);
    expect(ids.map((id) => row(id)?.attempts)).toEqual([1, 0, 0, 0]);
    expect(sender.closed).toBe(true);
  });

  it("records a permanent failure through recordDelivery (contact failing, heads-up on the other channel)", async () => {
    setup();
    enrolFlat(deps, "KEL10-A-1", { email: "jan@example.com", mobile: "+48600100200" }, ["email", "sms"]);
    const id = enqueue({
      kind: "correspondence",
      channel: "email",
      recipient: "jan@example.com",
      flatCode: "KEL10-A-1",
      correspondenceId: "c-9",
      category: "water_bill",
    });
    const email = new ScriptedSender("email", () => ({
      outcome: "failed",
      reason: "550 5.1.1 no such user",
      contactFailing: true,
    }));
    const sms = new ScriptedSender("sms");
    const w = worker();
    w.addSender(email);
    w.addSender(sms);
    await w.runUntilIdle();
    expect(row(id)?.status).toBe("paper");
    expect(sms.attempts).toHaveLength(1);
    expect(sms.attempts[0]).toMatchObject({ kind: "heads_up", recipient: "+48600100200" });
    expect(sms.attempts[0].text).toContain("nie przyjmuje naszych listów");
    expect(deps.register.stateOf("KEL10-A-1").channels.email.health).toBe("failing");
  });

  it("records a letter the server accepted once, with its correspondence, and restores an address that failed before", async () => {
    setup();
    enrolFlat(deps, "KEL10-A-1", { email: "jan@example.com", mobile: "+48600100200" }, ["email", "sms"]);
    const letter = (n: number) => ({
      kind: "correspondence" as const,
      channel: "email" as const,
      recipient: "jan@example.com",
      flatCode: "KEL10-A-1",
      correspondenceId: `c-${n}`,
      category: "water_bill",
    });
    let answer: SendResult = { outcome: "failed", reason: "552 5.2.2 mailbox full", contactFailing: true };
    const email = new ScriptedSender("email", () => answer);
    const w = worker();
    w.addSender(email);
    w.addSender(new ScriptedSender("sms"));
    enqueue(letter(1));
    await w.runUntilIdle();
    expect(deps.register.stateOf("KEL10-A-1").channels.email.health).toBe("failing");

    answer = { outcome: "sent", externalId: "4F2A1" };
    const id = enqueue(letter(2));
    await w.runUntilIdle();
    expect(row(id)).toMatchObject({ status: "sent", externalId: "4F2A1", leaseOwner: null });
    expect(deliveryRows(id)).toEqual([
      expect.objectContaining({ status: "sent", channel: "email", correspondenceId: "c-2" }),
    ]);
    expect(deps.register.stateOf("KEL10-A-1").channels.email.health).toBe("ok");
  });
});
