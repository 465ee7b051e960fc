/**
 * Production is the default; the demo is what `npm start` asks for (`--demo`). In production a
 * simulated device is a configuration error that names the key, never a quiet fallback.
 */
import { type Config, ConfigError } from "./config.ts";

const SIMULATED: Array<{ key: string; simulated: (c: Config) => boolean; real: string }> = [
  {
    key: "sms.driver",
    simulated: (c) => c.sms.driver === "simulator",
    real: 'set "gammu" (the GSM modem through gammu-smsd), e.g. EK__sms__driver=gammu',
  },
  {
    key: "email.driver",
    simulated: (c) => c.email.driver === "sink",
    real: 'set "smtp" with email.host, email.port, email.user and email.pass of the cooperative\'s mail server',
  },
  {
    key: "printer.uri",
    simulated: (c) => c.printer.uri === "virtual",
    real: "set the receipt printer's device: /dev/receipt-printer, a serial tty or tcp://host:9100",
  },
];

/** Throws a ConfigError naming the first key that would run a simulated device in production. */
export function assertRealDevices(config: Config): void {
  if (config.demo) return;
  for (const device of SIMULATED) {
    if (device.simulated(config)) {
      throw new ConfigError(
        device.key,
        `a simulated device is not allowed in production: ${device.real} (or start the demo with --demo)`,
      );
    }
  }
}
