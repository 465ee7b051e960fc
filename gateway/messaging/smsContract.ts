/**
 * One contract for "the modem": the same sentences run against the in-process simulator and the
 * real gammu-smsd daemon (dummy driver: a directory plays the modem), through the SMS sender the
 * outbox workers drive and the tracker that follows deliveries and takes incoming SMS.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenedDb, openDb } from "../../db/client.ts";
import { contacts, outbox, registerEvents, smsIncoming, smsMessages } from "../../db/schema/index.ts";
import { GammuDb } from "../../drivers/modem/gammuDb.ts";
import { GammuModem } from "../../drivers/modem/gammuModem.ts";
import { SmsSimulator } from "../../drivers/modem/simulator.ts";
import { dropIncomingSms, dropStatusReport } from "../../drivers/modem/testing/dummyPhone.ts";
import type { SmsModem } from "../../drivers/modem/types.ts";
import { ManualClock } from "../clock.ts";
import { validateConfig } from "../config.ts";
import { transliteratePolish } from "../domain/smsText.ts";
import { createLogger } from "../logger.ts";
import { ConsentRegister } from "../services/register.ts";
import { enqueueMessage } from "./outbox.ts";
import { SmsSender } from "./smsSender.ts";
import { SmsTracker } from "./smsTracker.ts";
import type { OutgoingMessage } from "./types.ts";

/** What reached "the network": one entry per message (parts joined), in sending order. */
interface NetworkMessage {
  creator: string;
  text: string;
  parts: number;
  unicode: boolean;
}

interface Harness {
  modem: SmsModem;
  network(to: string): Promise<NetworkMessage[]>;
  report(to: string, outcome: "delivered" | "failed" | "pending"): Promise<void>;
  reply(from: string, text: string): void;
  dispose(): Promise<void>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function simulatorHarness(clock: ManualClock): Harness {
  const sim = new SmsSimulator({ now: () => clock.now(), autoReport: false });
  return {
    modem: sim,
    async network(to) {
      return sim
        .sent()
        .filter((m) => m.to === to)
        .map((m) => ({ creator: m.id, text: m.text, parts: 0, unicode: m.unicode }));
    },
    async report(to, outcome) {
      expect(sim.report(to, outcome)).toBe(true);
    },
    reply(from, text) {
      sim.receive(from, text);
    },
    async dispose() {},
  };
}

function gammuHarness(dir: string): Harness & { gammu: GammuModem } {
  const device = join(dir, "modem");
  const modem = new GammuModem({
    stateDir: join(dir, "gammu"),
    device,
    connection: "at",
    model: "dummy",
    timings: { commTimeout: 1, loopSleep: 0, receiveFrequency: 1, statusFrequency: 1 },
    backoffBaseMs: 200,
    backoffMaxMs: 1000,
  });
  let reader: GammuDb | null = null;
  const network = async (to: string): Promise<NetworkMessage[]> => {
    reader ??= new GammuDb(modem.dbFile);
    const rows = reader.sentTo(to);
    const byId = new Map<number, NetworkMessage>();
    for (const row of rows) {
      const m = byId.get(row.id) ?? { creator: row.creator, text: "", parts: 0, unicode: false };
      m.text += row.text;
      m.parts++;
      m.unicode ||= row.coding.startsWith("Unicode");
      byId.set(row.id, m);
    }
    return [...byId.values()];
  };
  return {
    gammu: modem,
    modem,
    network,
    async report(to, outcome) {
      await until(`${to} in sentitems`, async () => ((await network(to)).length > 0 ? true : undefined));
      const word = outcome === "delivered" ? "Delivered" : outcome === "failed" ? "Failed" : "Pending";
      dropStatusReport(device, { to, outcome: word });
    },
    reply(from, text) {
      dropIncomingSms(device, { from, text });
    },
    async dispose() {
      reader?.close();
    },
  };
}

const hasGammu = spawnSync("gammu-smsd", ["--version"]).status === 0;

/** The contract, for one implementation; `sms.simulator.test.ts` and `sms.gammu.test.ts` run it. */
export function smsContract(kind: "simulator" | "gammu"): void {
  describe(`SMS contract: ${kind}`, () => {
    let dir: string;
    let database: OpenedDb;
    let clock: ManualClock;
    let harness: Harness;
    let sender: SmsSender;
    let tracker: SmsTracker;
    let register: ConsentRegister;
    let deps: ConstructorParameters<typeof SmsSender>[0];

    beforeAll(async () => {
      if (kind === "gammu" && !hasGammu) throw new Error("gammu-smsd is not installed: run deploy/dev/test-prereqs.sh");
      dir = mkdtempSync(join(tmpdir(), `ekor-sms-${kind}-`));
      database = openDb(join(dir, "gateway.sqlite"));
      clock = new ManualClock(new Date());
      const config = validateConfig({ dataDir: dir, logLevel: "silent", sms: { driver: kind, maxParts: 3 } });
      deps = { db: database.db, clock, config, logger: createLogger("silent") };
      register = new ConsentRegister(deps);
      harness = kind === "gammu" ? gammuHarness(dir) : simulatorHarness(clock);
      await harness.modem.start();
      sender = new SmsSender(deps, harness.modem);
      tracker = new SmsTracker({ ...deps, register }, harness.modem, sender);
    });

    afterAll(async () => {
      await harness?.dispose();
      await harness?.modem.stop();
      database?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    let seq = 0;
    function message(to: string, text: string, kindOf: OutgoingMessage["kind"] = "notice"): OutgoingMessage {
      const id = enqueueMessage(database.db, clock, {
        id: `${kind}-${++seq}`,
        channel: "sms",
        kind: kindOf,
        recipient: to,
        text,
      });
      return { id, channel: "sms", kind: kindOf, recipient: to, text, attempts: 0 };
    }

    async function stateOf(id: string, wanted: string) {
      return until(`${id} ${wanted}`, async () => {
        await tracker.tick();
        const row = database.db.select().from(smsMessages).where(eq(smsMessages.outboxId, id)).get();
        return row?.state === wanted ? row : undefined;
      });
    }

    function enrol(flatCode: string, mobile: string): void {
      register.append(
        database.db,
        { type: "enrolled", payload: { mobile, channels: ["sms"], consentVersion: "2021-08-v1" } },
        flatCode,
        `owner-${flatCode}`,
      );
    }

    it("sends a single GSM-7 message and records the delivery report", async () => {
      const m = message("+48600200001", "SM Nasz Dom: przypominamy o oplacie za marzec.");
      expect(await sender.send(m)).toMatchObject({ outcome: "sent" });
      await harness.report("+48600200001", "delivered");
      await stateOf(m.id, "delivered");
      const [sent] = await harness.network("+48600200001");
      expect(sent).toMatchObject({ creator: m.id, text: m.text, unicode: false });
      expect(database.db.select().from(outbox).where(eq(outbox.id, m.id)).get()?.status).toBe("delivered");
    });

    it("keeps Polish diacritics of a code in UCS-2", async () => {
      const text = "Kod weryfikacyjny SM Nasz Dom: 123456. Ważny 5 min.";
      const m = message("+48600200002", text, "otp");
      expect(await sender.send(m)).toMatchObject({ outcome: "sent" });
      const sent = await until("the code on the network", async () => (await harness.network("+48600200002"))[0]);
      expect(sent).toMatchObject({ creator: m.id, text, unicode: true });
    });

    it("sends a long text as one multipart message, never over sms.maxParts", async () => {
      const text = `Informujemy o przerwie w dostawie wody. ${"Prosimy o wyrozumialosc. ".repeat(14)}`.trim();
      const m = message("+48600200003", text);
      expect(await sender.send(m)).toMatchObject({ outcome: "sent" });
      const sent = await until("all parts on the network", async () => {
        const [first] = await harness.network("+48600200003");
        return first && (kind === "simulator" || first.parts === 3) ? first : undefined;
      });
      expect(sent.text).toBe(text);
      if (kind === "gammu") expect(sent.parts).toBe(3);
      await tracker.tick();
      const row = database.db.select().from(smsMessages).where(eq(smsMessages.outboxId, m.id)).get();
      expect(row).toMatchObject({ parts: 3, encoding: "GSM-7" });
      const tooLong = message("+48600200003", "x".repeat(153 * 3 + 1));
      expect(await sender.send(tooLong)).toMatchObject({ outcome: "failed", contactFailing: false });
    });

    it("transliterates a long Polish reminder to fit fewer segments", async () => {
      const text = `Szanowni Państwo, przypominamy o płatności czynszu za lokal. ${"Dziękujemy. ".repeat(6)}`.trim();
      const m = message("+48600200004", text, "reminder");
      await sender.send(m);
      const sent = await until("the reminder", async () => (await harness.network("+48600200004"))[0]);
      expect(sent.unicode).toBe(false);
      expect(sent.text).toBe(
        text
          .replace("Państwo", "Panstwo")
          .replace("płatności", "platnosci")
          .replace(/Dziękujemy/g, "Dziekujemy"),
      );
    });

    it("marks the number failing when the network reports the delivery failed", async () => {
      enrol("KEL10-A-1", "+48600200005");
      const m = message("+48600200005", "SM Nasz Dom: komunikat.");
      await sender.send(m);
      await harness.report("+48600200005", "failed");
      await stateOf(m.id, "failed");
      expect(database.db.select().from(outbox).where(eq(outbox.id, m.id)).get()?.status).toBe("failed");
      const contact = database.db.select().from(contacts).where(eq(contacts.value, "+48600200005")).get();
      expect(contact?.health).toBe("failing");
      expect(register.stateOf("KEL10-A-1").channels.sms.health).toBe("failing");
    });

    it("treats a delivery pending too long as inbox full or phone off: at risk, then failing", async () => {
      const to = "+48600200006";
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const m = message(to, `SM Nasz Dom: komunikat ${i}.`);
        ids.push(m.id);
        await sender.send(m);
        clock.advance(1000);
      }
      await harness.report(to, "pending");
      for (const id of ids) await stateOf(id, "sent");
      clock.advance((deps.config.sms.deliveryPendingMinutes + 1) * 60_000);
      await stateOf(ids[0], "pending_long");
      const health = () => database.db.select().from(contacts).where(eq(contacts.value, to)).get()?.health;
      await stateOf(ids[2], "pending_long");
      expect(health()).toBe("failing");
      expect(database.db.select().from(outbox).where(eq(outbox.id, ids[2])).get()?.status).toBe("failed");
      expect(database.db.select().from(outbox).where(eq(outbox.id, ids[0])).get()?.status).not.toBe("failed");
    });

    it("withdraws SMS consent on STOP from a registered number and answers in Polish", async () => {
      enrol("KEL10-B-2", "+48600200007");
      enrol("KEL10-B-3", "+48600200007");
      harness.reply("+48600200007", "  rezygnuje! ");
      const handled = await until("the STOP handled", async () => {
        await tracker.tick();
        return database.db.select().from(smsIncoming).where(eq(smsIncoming.fromNumber, "+48600200007")).get();
      });
      expect(handled).toMatchObject({ action: "withdrawn", flatCodes: '["KEL10-B-2","KEL10-B-3"]' });
      expect(register.stateOf("KEL10-B-2").channels.sms.consented).toBe(false);
      const event = database.db
        .select()
        .from(registerEvents)
        .where(and(eq(registerEvents.flatCode, "KEL10-B-3"), eq(registerEvents.type, "withdrawn")))
        .get();
      expect(JSON.parse(event?.payload ?? "{}")).toEqual({ channels: ["sms"], via: "sms" });
      const reply = database.db
        .select()
        .from(outbox)
        .where(eq(outbox.id, handled.replyId ?? ""))
        .get();
      const text = JSON.parse(reply?.payload ?? "{}").text as string;
      expect(text).toContain("wycofano zgodę na SMS dla lokali KEL10-B-2, KEL10-B-3");
      await sender.send({
        id: reply?.id ?? "",
        channel: "sms",
        kind: "notice",
        recipient: "+48600200007",
        text,
        attempts: 0,
      });
      const answer = await until("the confirmation", async () => {
        const [first] = await harness.network("+48600200007");
        return first && (kind === "simulator" || first.text.length === text.length) ? first : undefined;
      });
      // Long notices are transliterated to need fewer segments (sms.transliterateLong).
      expect(answer.text).toBe(transliteratePolish(text));
    });

    it("keeps any other reply for the office", async () => {
      harness.reply("+48600200008", "Proszę o kontakt w sprawie rachunku");
      const kept = await until("the reply stored", async () => {
        await tracker.tick();
        return database.db.select().from(smsIncoming).where(eq(smsIncoming.fromNumber, "+48600200008")).get();
      });
      expect(kept).toMatchObject({ action: "office", text: "Proszę o kontakt w sprawie rachunku", replyId: null });
      await tracker.tick();
      expect(
        database.db.select().from(smsIncoming).where(eq(smsIncoming.fromNumber, "+48600200008")).all(),
      ).toHaveLength(1);
    });

    it("follows a message handed over just before the gateway died (rebuilt from the outbox)", async () => {
      const m = message("+48600200010", "SM Nasz Dom: po restarcie.");
      const result = await sender.send(m);
      expect(result.outcome).toBe("sent");
      sender.takeTracked(); // the process died: what it held in memory is gone
      const externalId = result.outcome === "sent" ? result.externalId : "";
      database.db.update(outbox).set({ status: "sent", externalId }).where(eq(outbox.id, m.id)).run();
      await harness.report("+48600200010", "delivered");
      const row = await stateOf(m.id, "delivered");
      expect(row).toMatchObject({ externalId, recipient: "+48600200010", encoding: "GSM-7", parts: 1 });
    });

    it("hands a message over once, however often the worker sends it", async () => {
      const m = message("+48600200009", "SM Nasz Dom: jeden raz.");
      const results = await Promise.all([sender.send(m), sender.send(m)]);
      await sender.send(m);
      expect(new Set(results.map((r) => (r.outcome === "sent" ? r.externalId : r.outcome))).size).toBe(1);
      await until("sent", async () => ((await harness.network("+48600200009")).length > 0 ? true : undefined));
      await new Promise((r) => setTimeout(r, kind === "gammu" ? 1500 : 10));
      expect(await harness.network("+48600200009")).toHaveLength(1);
    });

    if (kind === "gammu") {
      it("survives gammu-smsd killed mid-send: restarted, nothing lost, nothing doubled", async () => {
        const gammu = (harness as ReturnType<typeof gammuHarness>).gammu;
        const sent: OutgoingMessage[] = [];
        for (let i = 0; i < 9; i++) {
          const m = message(`+4860030${String(i).padStart(4, "0")}`, `SM Nasz Dom: wiadomość ${i}.`);
          sent.push(m);
          await sender.send(m);
          if (i === 3 || i === 6) gammu.supervisor.crash();
        }
        await until("the daemon back", async () => (gammu.supervisor.state === "running" ? true : undefined));
        expect(gammu.supervisor.status().restarts).toBeGreaterThanOrEqual(1);
        // The worker's lease expired during the outage: it sends the same messages again.
        for (const m of sent) expect(await sender.send(m)).toMatchObject({ outcome: "sent" });
        for (const m of sent) {
          const onNetwork = await until(
            `${m.id} sent`,
            async () => {
              const list = await harness.network(m.recipient);
              return list.length > 0 ? list : undefined;
            },
            30_000,
          );
          expect(onNetwork).toHaveLength(1);
          expect(onNetwork[0]).toMatchObject({ creator: m.id, text: m.text });
        }
        expect((await gammu.health()).status).toBe("ok");
      }, 60_000);
    }
  });
}
