/**
 * Starts the SMS side of the gateway from `sms.*`: the modem (gammu-smsd bridge, or the
 * in-process simulator for `npm start`), the sender the outbox workers drive, the tracker that
 * follows deliveries and takes incoming SMS, and the `modem` health part.
 */
import { join, resolve } from "node:path";
import { writePrivateFile } from "../../db/privateFiles.ts";
import { GammuModem, USB_RESET_REQUEST } from "../../drivers/modem/gammuModem.ts";
import { SmsSimulator } from "../../drivers/modem/simulator.ts";
import type { SmsModem } from "../../drivers/modem/types.ts";
import type { CoreDeps } from "../deps.ts";
import type { HealthRegistry } from "../health.ts";
import type { Part } from "../lifecycle.ts";
import type { ConsentRegister } from "../services/register.ts";
import { SmsSender } from "./smsSender.ts";
import { SmsTracker } from "./smsTracker.ts";

export interface SmsRuntime {
  modem: SmsModem;
  sender: SmsSender;
  tracker: SmsTracker;
  /** Present when `sms.driver` is "simulator" (the `/dev/sms` pages read it). */
  simulator: SmsSimulator | null;
}

export type SmsRuntimeDeps = CoreDeps & {
  register: ConsentRegister;
  health: HealthRegistry;
  /** Wakes the outbox workers (a STOP confirmation was enqueued). */
  poke: () => void;
};

export function createModem(deps: CoreDeps): SmsModem {
  const sms = deps.config.sms;
  if (sms.driver === "simulator") return new SmsSimulator({ now: () => deps.clock.now() });
  const stateDir = resolve(deps.config.dataDir, sms.stateDir ?? "gammu");
  return new GammuModem({
    stateDir,
    smsdrcFile: sms.smsdrc ? resolve(deps.config.dataDir, sms.smsdrc) : undefined,
    dbFile: sms.gammuDb ? resolve(deps.config.dataDir, sms.gammuDb) : join(stateDir, "smsd.sqlite"),
    device: sms.device,
    connection: sms.connection,
    model: sms.model,
    pin: sms.pin,
    phoneId: sms.phoneId,
    smsdBin: sms.smsdBin,
    injectBin: sms.injectBin,
    smsc: sms.smsc,
    powerKey: sms.powerKey
      ? { gpio: sms.powerKey.gpio, pulseMs: sms.powerKey.pulseMs, bootMs: sms.powerKey.bootSeconds * 1000 }
      : undefined,
    now: () => deps.clock.now(),
    heartbeatStaleMs: sms.heartbeatStaleSeconds * 1000,
    usbResetAfterRestarts: sms.usbResetAfterRestarts,
    // The root helper (deploy/systemd/e-korespondencja-usb-reset.path) watches for this file.
    resetUsb: async () => writePrivateFile(join(stateDir, USB_RESET_REQUEST), `${sms.device}\n`),
    onLog: (line) => deps.logger.debug({ gammu: line }, "gammu-smsd"),
    onDaemonState: (state, detail) => {
      const log = state === "pin_refused" ? "error" : state === "backoff" ? "warn" : "info";
      deps.logger[log]({ state, ...detail }, `gammu-smsd ${state}`);
    },
  });
}

export async function startSms(deps: SmsRuntimeDeps, modem: SmsModem = createModem(deps)): Promise<Part<SmsRuntime>> {
  await modem.start();
  const sender = new SmsSender(deps, modem);
  const tracker = new SmsTracker(deps, modem, sender);
  tracker.start(deps.config.sms.pollMs);
  deps.health.register("modem", () => modem.health());
  return {
    name: "sms",
    service: { modem, sender, tracker, simulator: modem instanceof SmsSimulator ? modem : null },
    async stop() {
      await tracker.stop();
      await sender.close();
      await modem.stop();
    },
  };
}
