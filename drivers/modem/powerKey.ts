/**
 * The optional power-on step for a SIM800/SIM7600 HAT whose PWRKEY is wired to a GPIO pin: if
 * the modem does not answer `AT`, the pin is pulsed (Raspberry Pi OS's `pinctrl`) and the modem
 * given time to boot. Only when it is silent: a pulse on a modem that is on switches it off.
 */
import { execa } from "execa";
import { TtyPort } from "../serial/tty.ts";

export interface PowerKeyOptions {
  device: string;
  gpio: number;
  /** How long PWRKEY is held (SIM800: ≥ 1 s, SIM7600: ≥ 0.5 s). */
  pulseMs: number;
  /** How long the modem may take to answer after the pulse. */
  bootMs: number;
  baud?: number;
  /** The GPIO tool (tests put a stand-in on PATH). */
  pinctrl?: string;
  onLog?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when the modem answers `AT` with `OK` within `ms` (asked every half second). */
export async function answersAt(device: string, ms: number, baud = 115200): Promise<boolean> {
  let seen = "";
  const port = new TtyPort(device, { baud }, (chunk) => {
    seen += chunk.toString("latin1");
  });
  try {
    await port.open();
  } catch {
    return false;
  }
  try {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      await port.write(Buffer.from("AT\r"));
      for (let i = 0; i < 10 && Date.now() < end; i++) {
        if (/\bOK\r?\n/.test(seen)) return true;
        await sleep(50);
      }
    }
    return /\bOK\r?\n/.test(seen);
  } finally {
    await port.close();
  }
}

export async function powerOnIfSilent(o: PowerKeyOptions): Promise<"answering" | "powered_on" | "no_answer"> {
  if (await answersAt(o.device, 2000, o.baud)) return "answering";
  const pin = String(o.gpio);
  const pinctrl = o.pinctrl ?? "pinctrl";
  o.onLog?.(`modem silent on ${o.device}: pulsing PWRKEY on GPIO ${pin}`);
  await execa(pinctrl, ["set", pin, "op", "dh"]);
  await sleep(o.pulseMs);
  await execa(pinctrl, ["set", pin, "op", "dl"]);
  return (await answersAt(o.device, o.bootMs, o.baud)) ? "powered_on" : "no_answer";
}
