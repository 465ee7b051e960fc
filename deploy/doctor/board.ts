/**
 * The Raspberry Pi itself and what is plugged into it: power (undervoltage, throttling, from
 * `vcgencmd get_throttled`), the GPU's memory split, and a GSM modem that arrived in the wrong
 * USB mode (Huawei HiLink / not switched: no AT port for gammu).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { type Finding, finding } from "./findings.ts";

export interface BoardProbe {
  /** PATH for vcgencmd (tests put a stand-in first). */
  path?: string;
  /** sysfs root (tests: a fake tree). */
  sysfs?: string;
  /** Device-tree model file ("Raspberry Pi 4 Model B Rev 1.5"). */
  modelFile?: string;
}

const POWER = "Zasilanie";
const BOARD = "Raspberry Pi";
const MODEM = "Modem GSM";

async function vcgencmd(probe: BoardProbe, ...args: string[]): Promise<string | null> {
  const run = await execa("vcgencmd", args, {
    reject: false,
    timeout: 4_000,
    env: probe.path ? { PATH: probe.path } : undefined,
  }).catch(() => null);
  return run && run.exitCode === 0 ? run.stdout.trim() : null;
}

const SUPPLY_FIX = {
  pl: "użyj oryginalnego zasilacza Raspberry Pi (Pi 4: 5,1 V 3 A; Pi 5: 5,1 V 5 A) i krótkiego, grubego kabla; modem GSM podłącz przez aktywny hub USB (pobiera do 2 A przy nadawaniu)",
  en: "use the official Raspberry Pi power supply (Pi 4: 5.1 V 3 A; Pi 5: 5.1 V 5 A) and a short, thick cable; connect the GSM modem through a powered USB hub (it draws up to 2 A when transmitting)",
};

/** `throttled=0x50005`: bits 0-3 now, 16-19 since boot (undervoltage, capped, throttled, soft limit). */
export function powerFindings(throttled: string | null): Finding[] {
  if (throttled === null) {
    return [
      finding(
        "board.power",
        POWER,
        "info",
        "nie można sprawdzić zasilania (brak vcgencmd: to nie Raspberry Pi?)",
        "cannot check the power supply (no vcgencmd: not a Raspberry Pi?)",
      ),
    ];
  }
  const m = /throttled=(0x[0-9a-f]+)/i.exec(throttled);
  if (!m) {
    return [
      finding("board.power", POWER, "warn", `nieznana odpowiedź: ${throttled}`, `unexpected answer: ${throttled}`),
    ];
  }
  const bits = Number.parseInt(m[1], 16);
  const bit = (n: number) => (bits & (1 << n)) !== 0;
  if (bit(0)) {
    return [
      finding(
        "board.power",
        POWER,
        "fail",
        "za niskie napięcie zasilania TERAZ — modem i drukarka mogą się zawieszać, karta SD może się uszkodzić",
        "undervoltage NOW — the modem and printer may hang, the SD card may be damaged",
        SUPPLY_FIX,
      ),
    ];
  }
  const out: Finding[] = [];
  if (bit(16)) {
    out.push(
      finding(
        "board.power",
        POWER,
        "warn",
        "od uruchomienia wystąpiło za niskie napięcie zasilania",
        "undervoltage has occurred since boot",
        SUPPLY_FIX,
      ),
    );
  } else {
    out.push(finding("board.power", POWER, "ok", "napięcie zasilania w normie", "supply voltage is fine"));
  }
  if (bit(1) || bit(2) || bit(3)) {
    out.push(
      finding(
        "board.throttling",
        POWER,
        "warn",
        "procesor jest teraz spowalniany (przegrzanie lub zasilanie)",
        "the CPU is being throttled now (heat or power)",
        {
          pl: "zapewnij przewiew w obudowie kiosku, dodaj radiator lub wentylator; sprawdź zasilacz",
          en: "give the kiosk enclosure airflow, add a heatsink or fan; check the power supply",
        },
      ),
    );
  } else if (bit(17) || bit(18) || bit(19)) {
    out.push(
      finding(
        "board.throttling",
        POWER,
        "info",
        "procesor był spowalniany od uruchomienia (przegrzanie lub zasilanie)",
        "the CPU has been throttled since boot (heat or power)",
      ),
    );
  }
  return out;
}

/** `gpu=76M`. Chromium under cage needs the GPU; the Pi 5 has no memory split (nothing to check). */
export function gpuMemoryFindings(answer: string | null, model: string): Finding[] {
  if (answer === null || /Raspberry Pi 5/.test(model)) return [];
  const mb = Number(/gpu=(\d+)M/.exec(answer)?.[1] ?? Number.NaN);
  if (Number.isNaN(mb)) return [];
  if (mb < 64) {
    return [
      finding(
        "board.gpu_memory",
        BOARD,
        "warn",
        `mało pamięci dla GPU (${mb} MB): ekran kiosku może być czarny lub Chromium może się zamykać`,
        `little GPU memory (${mb} MB): the kiosk screen may stay black or Chromium may crash`,
        {
          pl: "w /boot/firmware/config.txt ustaw gpu_mem=128 (lub usuń mniejszą wartość) i uruchom ponownie",
          en: "set gpu_mem=128 in /boot/firmware/config.txt (or remove a smaller value) and reboot",
        },
      ),
    ];
  }
  return [finding("board.gpu_memory", BOARD, "ok", `pamięć GPU: ${mb} MB`, `GPU memory: ${mb} MB`)];
}

/** Huawei sticks in a USB mode without an AT port (gammu cannot use them). */
const WRONG_MODE: Record<string, { pl: string; en: string }> = {
  "12d1:1f01": { pl: "nieprzełączony (tryb pamięci USB)", en: "not switched (USB storage mode)" },
  "12d1:14db": { pl: "w trybie sieciowym HiLink", en: "in HiLink network mode" },
  "12d1:14dc": { pl: "w trybie sieciowym HiLink", en: "in HiLink network mode" },
};

export function modemModeFindings(sysfs = "/sys"): Finding[] {
  const dir = join(sysfs, "bus/usb/devices");
  if (!existsSync(dir)) return [];
  const out: Finding[] = [];
  for (const name of readdirSync(dir)) {
    const read = (attr: string) => {
      try {
        return readFileSync(join(dir, name, attr), "utf8")
          .trim()
          .toLowerCase();
      } catch {
        return "";
      }
    };
    const id = `${read("idVendor")}:${read("idProduct")}`;
    const mode = WRONG_MODE[id];
    if (!mode) continue;
    out.push(
      finding(
        "modem.usb_mode",
        MODEM,
        "fail",
        `modem w trybie sieciowym: przełącz go — ${id} jest ${mode.pl}, a gammu potrzebuje trybu modemu (12d1:1442)`,
        `modem in network mode: switch it — ${id} is ${mode.en}; gammu needs the modem mode (12d1:1442)`,
        {
          pl: "sprawdź, czy jest /etc/usb_modeswitch.d/12d1:1f01 (instaluje go deploy/install.sh) i wyjmij i włóż modem; ręcznie: sudo usb_modeswitch -v 12d1 -p 1f01 -V 12d1 -P 1442 -M 55534243000000000000000000000011060000000000000000000000000000; modem HiLink (14dc) wymaga najpierw wgrania firmware'u „stick”",
          en: 'check /etc/usb_modeswitch.d/12d1:1f01 exists (deploy/install.sh installs it) and replug the modem; by hand: sudo usb_modeswitch -v 12d1 -p 1f01 -V 12d1 -P 1442 -M 55534243000000000000000000000011060000000000000000000000000000; a HiLink modem (14dc) first needs its "stick" firmware',
        },
      ),
    );
  }
  return out;
}

export async function checkBoard(probe: BoardProbe = {}): Promise<Finding[]> {
  const model = (() => {
    try {
      return readFileSync(probe.modelFile ?? "/proc/device-tree/model", "utf8").replace(/\0/g, "");
    } catch {
      return "";
    }
  })();
  const [throttled, gpu] = [await vcgencmd(probe, "get_throttled"), await vcgencmd(probe, "get_mem", "gpu")];
  return [...powerFindings(throttled), ...gpuMemoryFindings(gpu, model), ...modemModeFindings(probe.sysfs)];
}
