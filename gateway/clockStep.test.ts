/**
 * A clock that jumps, on the real gateway process: libfaketime (Debian package `faketime`) is
 * preloaded into Bun and the wall clock is moved at run time through FAKETIME_TIMESTAMP_FILE,
 * the way NTP steps the clock of a Pi that booted without network. CLOCK_MONOTONIC is left alone
 * (FAKETIME_DONT_FAKE_MONOTONIC=1), as it is in a real step.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openForeignSqlite } from "../db/client.ts";
import { codeSentTo, type GatewayProcess, startGatewayProcess } from "../kiosk-ui/e2e/harness.ts";

const LIBFAKETIME = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"]
  .map((dir) => join(dir, "faketime", "libfaketime.so.1"))
  .find((path) => existsSync(path));

let gateway: GatewayProcess | undefined;
afterEach(async () => {
  await gateway?.dispose();
  gateway = undefined;
});

/** Starts the demo gateway on a wall clock read from a file; returns a function that moves it. */
async function gatewayOnFakeTime(env: Record<string, string> = {}) {
  if (!LIBFAKETIME) throw new Error("libfaketime is missing: run deploy/dev/test-prereqs.sh (package faketime)");
  const offsetFile = join(process.env.TMPDIR ?? "/tmp", `ekor-faketime-${process.pid}-${Date.now()}`);
  writeFileSync(offsetFile, "+0\n");
  gateway = await startGatewayProcess({
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME_TIMESTAMP_FILE: offsetFile,
    FAKETIME_NO_CACHE: "1",
    FAKETIME_DONT_FAKE_MONOTONIC: "1",
    ...env,
  });
  const g = gateway;
  const wallNow = async () => Date.parse((await (await fetch(`${g.url}/healthz`)).json()).time);
  return {
    g,
    wallNow,
    /** Steps the gateway's wall clock (libfaketime offset, e.g. "+1d", "-2h") and waits until it noticed. */
    async step(offset: string, expectSeconds: number) {
      writeFileSync(offsetFile, `${offset}\n`);
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        const clock = (await (await fetch(`${g.url}/healthz`)).json()).parts.clock;
        if (clock.lastStep && Math.abs(clock.lastStep.seconds - expectSeconds) < 60) return clock.lastStep;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`the gateway did not notice the clock step ${offset}`);
    },
  };
}

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};

describe("a wall clock that jumps (libfaketime on the real gateway)", () => {
  it("runs Bun on libfaketime's wall clock: a step of a day forward is noticed, recorded and then followed", async () => {
    const { wallNow, step } = await gatewayOnFakeTime();
    expect(Math.abs((await wallNow()) - Date.now())).toBeLessThan(60_000);
    const taken = await step("+1d", 86_400);
    expect(taken.seconds).toBeGreaterThan(86_300);
    expect(Math.abs((await wallNow()) - Date.now() - 86_400_000)).toBeLessThan(60_000);
  }, 60_000);

  it("keeps a flat locked after the clock steps a day forward", async () => {
    const { g, step } = await gatewayOnFakeTime({ EK__verification__identifyClientFreeFailures: "100" });
    const flat = g.flats[0];
    const wrong = {
      flatCode: flat.flatCode,
      surname: flat.surnames[0],
      ownerCode: flat.code === "1111" ? "2222" : "1111",
    };
    let last = { status: 0, body: {} as { error?: { code: string } } };
    for (let i = 0; i < 5; i++) last = await post(`${g.url}/api/v1/kiosk/identify`, wrong);
    expect(last.body.error?.code).toBe("IDENTIFY_COOLDOWN");

    await step("+1d", 86_400);
    const right = await post(`${g.url}/api/v1/kiosk/identify`, { ...wrong, ownerCode: flat.code });
    expect(right.body.error?.code, "a day's step must not unlock the flat").toBe("IDENTIFY_COOLDOWN");
  }, 60_000);

  it("still accepts a one-time code sent just before the clock stepped a day forward", async () => {
    const { g, step } = await gatewayOnFakeTime();
    const flat = g.flats[1];
    const who = await post(`${g.url}/api/v1/kiosk/identify`, {
      flatCode: flat.flatCode,
      surname: flat.surnames[0],
      ownerCode: flat.code,
    });
    expect(who.status).toBe(200);
    const sent = await post(`${g.url}/api/v1/verifications`, {
      session: who.body.session,
      channel: "email",
      to: "jan.kowalski@example.pl",
    });
    expect(sent.status).toBe(201);
    const code = await codeSentTo(g.url, "email", "jan.kowalski@example.pl");

    await step("+1d", 86_400);
    const confirmed = await post(`${g.url}/api/v1/verifications/${sent.body.id}/confirm`, { code });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  }, 60_000);

  it("never dates a register event before its predecessor after a 2-hour step back, and the slip says the register's time", async () => {
    const { g, step } = await gatewayOnFakeTime();
    const enrolFlat = async (index: number, email: string) => {
      const flat = g.flats[index];
      const who = await post(`${g.url}/api/v1/kiosk/identify`, {
        flatCode: flat.flatCode,
        surname: flat.surnames[0],
        ownerCode: flat.code,
      });
      const sent = await post(`${g.url}/api/v1/verifications`, {
        session: who.body.session,
        channel: "email",
        to: email,
      });
      const code = await codeSentTo(g.url, "email", email);
      await post(`${g.url}/api/v1/verifications/${sent.body.id}/confirm`, { code });
      const enrolled = await post(`${g.url}/api/v1/kiosk/enrolments`, {
        session: who.body.session,
        idempotencyKey: `clock-step-${index}`,
        email,
        channels: ["email"],
        consents: { processing: true, email: true, sms: false },
        consentVersion: "2021-06",
        verifications: { email: sent.body.id },
      });
      expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
      return enrolled.body as { eventSeq: number; receipt: { number: string } };
    };
    await enrolFlat(2, "anna.nowak@example.pl");
    await step("-2h", -7_200);
    const after = await enrolFlat(3, "ewa.lis@example.pl");

    const db = openForeignSqlite(join(g.dataDir, "gateway.sqlite"), { readonly: true });
    try {
      const events = db.query("SELECT seq, occurred_at AS at FROM register_events ORDER BY seq").all() as Array<{
        seq: number;
        at: string;
      }>;
      for (let i = 1; i < events.length; i++)
        expect(events[i].at >= events[i - 1].at, `seq ${events[i].seq}`).toBe(true);
      const receipt = db.query("SELECT data FROM receipts WHERE number = ?").get(after.receipt.number) as {
        data: string;
      };
      const event = events.find((e) => e.seq === after.eventSeq);
      expect(JSON.parse(receipt.data).t).toBe(`${event?.at.slice(0, 19)}Z`);
      const steps = db.query("SELECT step_ms AS ms FROM clock_steps").all() as Array<{ ms: number }>;
      expect(steps.map((s) => Math.round(s.ms / 60_000))).toEqual([-120]);
    } finally {
      db.close();
    }
  }, 90_000);
});
