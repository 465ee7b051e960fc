/**
 * gammu-smsd alive but stuck: the real daemon on gammu's dummy modem, the gateway's clock moved
 * by hand. A heartbeat older than the limit restarts the daemon; after repeated restarts the USB
 * reset is asked for first. Also: the SMSC for SIMs without one, and libdbi's empty-result notice.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../gateway/clock.ts";
import { until } from "../../gateway/testing/local.ts";
import { GammuDb } from "./gammuDb.ts";
import { GammuModem } from "./gammuModem.ts";

const hasGammu = spawnSync("gammu-smsd", ["--version"]).status === 0;
const dirs: string[] = [];
const modems: GammuModem[] = [];
afterEach(async () => {
  for (const m of modems.splice(0)) await m.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dummyModem(options: Partial<ConstructorParameters<typeof GammuModem>[0]> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ekor-heartbeat-"));
  dirs.push(dir);
  const clock = new ManualClock(new Date());
  const logs: string[] = [];
  const resets: string[] = [];
  const modem = new GammuModem({
    stateDir: join(dir, "gammu"),
    device: join(dir, "modem"),
    connection: "at",
    model: "dummy",
    timings: { commTimeout: 1, loopSleep: 0, receiveFrequency: 1, statusFrequency: 1 },
    backoffBaseMs: 100,
    backoffMaxMs: 200,
    now: () => clock.now(),
    heartbeatStaleMs: 120_000,
    usbResetAfterRestarts: 2,
    resetUsb: async () => {
      resets.push(clock.now().toISOString());
    },
    onLog: (line) => logs.push(line),
    ...options,
  });
  modems.push(modem);
  return { modem, clock, logs, resets, dir };
}

const heartbeat = (modem: GammuModem) =>
  until("a heartbeat", async () => {
    const age = (await modem.health()).heartbeatAgeSeconds;
    return typeof age === "number" ? age : undefined;
  });

describe.skipIf(!hasGammu)("gammu-smsd with a stale heartbeat", () => {
  it("restarts the daemon when the heartbeat is older than the limit, not before", async () => {
    const { modem, clock } = dummyModem();
    await modem.start();
    await until("running", () => modem.supervisor.state === "running");
    await heartbeat(modem);
    const firstPid = modem.supervisor.pid;
    clock.advance(100_000);
    expect(await modem.checkHeartbeat()).toBe("fresh");
    // The daemon's heartbeat stopped two and a half minutes ago by the gateway's clock.
    clock.advance(50_000);
    expect(await modem.checkHeartbeat()).toBe("restarted");
    await until("a new daemon", () => modem.supervisor.state === "running" && modem.supervisor.pid !== firstPid);
    expect(modem.supervisor.status()).toMatchObject({ forcedRestarts: 1 });
    expect((await modem.health()).lastForcedRestart).toMatchObject({
      reason: expect.stringMatching(/^heartbeat \d+ s old$/),
    });
    // A daemon just started has no heartbeat to judge yet.
    expect(await modem.checkHeartbeat()).toBe("fresh");
  }, 40_000);

  it("asks for a USB reset after repeated restarts that did not bring the heartbeat back", async () => {
    const { modem, clock, resets } = dummyModem();
    await modem.start();
    for (let round = 1; round <= 3; round++) {
      await until("running", () => modem.supervisor.state === "running");
      await heartbeat(modem);
      clock.advance(200_000);
      expect(await modem.checkHeartbeat()).toBe("restarted");
      expect(resets).toHaveLength(round === 3 ? 1 : 0);
      await until("restarting", () => modem.supervisor.state !== "running");
    }
    expect((await modem.health()).usbResets).toBe(1);
  }, 60_000);

  it("never restarts with the check off (heartbeatStaleMs 0)", async () => {
    const { modem, clock } = dummyModem({ heartbeatStaleMs: 0 });
    await modem.start();
    await until("running", () => modem.supervisor.state === "running");
    clock.advance(86_400_000);
    expect(await modem.checkHeartbeat()).toBe("off");
  }, 30_000);
});

describe.skipIf(!hasGammu)("gammu-smsd's configuration and log", () => {
  it("sends with the configured SMSC and reports it in health", async () => {
    const { modem } = dummyModem({ smsc: "+48601000310" });
    await modem.start();
    expect(readFileSync(modem.smsdrc, "utf8")).toMatch(/^smsc = \+48601000310$/m);
    await until("running", () => modem.supervisor.state === "running");
    const { externalId } = await modem.submit({
      id: "smsc-1",
      to: "+48600100200",
      text: "Test",
      unicode: false,
      report: false,
    });
    const db = new GammuDb(modem.dbFile);
    try {
      const sent = await until("sent", () => db.sentTo("+48600100200")[0]);
      expect(sent).toMatchObject({ creator: expect.any(String), smsc: "+48601000310" });
      expect(Number(externalId)).toBe(sent.id);
    } finally {
      db.close();
    }
    expect((await modem.health()).smsc).toEqual({ number: "+48601000310", source: "sms.smsc" });
  }, 30_000);

  it("counts libdbi's empty-result notice instead of logging it on every poll", async () => {
    const { modem, logs } = dummyModem();
    await modem.start();
    await until("notices", () => (modem.supervisor.status().emptyResultNotices as number) >= 3);
    expect(logs.filter((l) => /DBI error/.test(l))).toEqual([]);
    expect((await modem.health()).lastLog).not.toEqual(expect.arrayContaining([expect.stringMatching(/DBI error/)]));
  }, 30_000);
});
