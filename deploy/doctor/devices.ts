/** The running gateway's /healthz, the GSM modem and the receipt printer. */
import { existsSync, statSync } from "node:fs";
import { connect } from "node:net";
import type { Config } from "../../gateway/config.ts";
import { type Finding, finding } from "./findings.ts";

export interface PartReport {
  status: string;
  [detail: string]: unknown;
}
export interface HealthReport {
  status: string;
  parts: Record<string, PartReport>;
}

const SERVICE_FIX = {
  pl: "sudo systemctl status e-korespondencja-gateway; dziennik: sudo journalctl -u e-korespondencja-gateway -n 100",
  en: "sudo systemctl status e-korespondencja-gateway; log: sudo journalctl -u e-korespondencja-gateway -n 100",
};

export async function checkGateway(url: string): Promise<{ findings: Finding[]; health: HealthReport | null }> {
  let res: Response;
  try {
    res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    const why = (err as Error).message;
    return {
      findings: [
        finding(
          "gateway.running",
          "Brama (gateway)",
          "fail",
          `brama nie odpowiada pod ${url} (${why})`,
          `the gateway does not answer at ${url} (${why})`,
          SERVICE_FIX,
        ),
      ],
      health: null,
    };
  }
  const health = (await res.json().catch(() => null)) as HealthReport | null;
  if (!health?.parts) {
    return {
      findings: [
        finding(
          "gateway.running",
          "Brama (gateway)",
          "fail",
          `/healthz odpowiada ${res.status}, ale nie raportem zdrowia`,
          `/healthz answers ${res.status} but not with a health report`,
          SERVICE_FIX,
        ),
      ],
      health: null,
    };
  }
  const findings = [
    res.status === 200
      ? finding(
          "gateway.running",
          "Brama (gateway)",
          "ok",
          `działa, /healthz: ${health.status}`,
          `running, /healthz: ${health.status}`,
        )
      : finding(
          "gateway.running",
          "Brama (gateway)",
          "fail",
          `brama zgłasza awarię (${res.status}, ${health.status})`,
          `the gateway reports it is down (${res.status}, ${health.status})`,
          SERVICE_FIX,
        ),
  ];
  for (const name of ["smtp", "office_sync"]) {
    const part = health.parts[name];
    if (part && (part.status === "down" || part.status === "degraded")) {
      const detail = JSON.stringify(part);
      findings.push(
        finding(
          `gateway.${name}`,
          "Brama (gateway)",
          "warn",
          `brama zgłasza ${name}: ${detail}`,
          `the gateway reports ${name}: ${detail}`,
        ),
      );
    }
  }
  return { findings, health };
}

const MODEM_FIX = {
  pl: "sprawdź, czy modem jest w porcie USB (lsusb) i czy reguła udev nadała mu nazwę (ls -l /dev/gsm-modem); inny model modemu: dopisz go do /etc/udev/rules.d/99-e-korespondencja.rules",
  en: "check the modem is plugged in (lsusb) and that the udev rule named it (ls -l /dev/gsm-modem); another modem model: add it to /etc/udev/rules.d/99-e-korespondencja.rules",
};

export function checkModem(config: Config, health: HealthReport | null): Finding[] {
  const area = "Modem GSM";
  if (config.sms.driver === "simulator") {
    return [
      finding(
        "modem.device",
        area,
        config.demo ? "info" : "fail",
        config.demo
          ? "symulator SMS (tryb demo), modem nie jest używany"
          : "symulator SMS poza trybem demo: ustaw sms.driver na gammu (gateway nie wystartuje)",
        config.demo
          ? "SMS simulator (demo mode), no modem in use"
          : "SMS simulator outside the demo: set sms.driver to gammu (the gateway refuses to start)",
      ),
    ];
  }
  const device = config.sms.device;
  const dummy = config.sms.model === "dummy";
  const found = existsSync(device) && (dummy ? statSync(device).isDirectory() : statSync(device).isCharacterDevice());
  const out: Finding[] = [
    found
      ? finding("modem.device", area, "ok", `modem znaleziony: ${device}`, `modem found: ${device}`)
      : finding(
          "modem.device",
          area,
          "fail",
          `nie znaleziono modemu: ${device}`,
          `modem not found: ${device}`,
          MODEM_FIX,
        ),
  ];
  const part = health?.parts.modem;
  if (!part || part.status === "not_configured") {
    out.push(
      finding(
        "modem.state",
        area,
        "info",
        "stan karty SIM i sieci nieznany (brama nie raportuje modemu)",
        "SIM and network state unknown (the gateway does not report the modem)",
      ),
    );
    return out;
  }
  if (part.sim === "pin_refused") {
    out.push(
      finding(
        "modem.sim",
        area,
        "fail",
        "karta SIM odrzuciła PIN — SMS-y nie są wysyłane",
        "the SIM refused the PIN — no SMS are sent",
        {
          pl: "wpisz poprawny PIN (EK__sms__pin w /etc/e-korespondencja/gateway.env lub sms.pin) i: sudo systemctl restart e-korespondencja-gateway; po 3 błędnych próbach potrzebny PUK",
          en: "set the right PIN (EK__sms__pin in /etc/e-korespondencja/gateway.env or sms.pin) and restart the gateway; after 3 wrong tries the SIM needs its PUK",
        },
      ),
    );
  } else if (part.sim === "ready") {
    out.push(finding("modem.sim", area, "ok", "karta SIM gotowa (PIN przyjęty)", "SIM ready (PIN accepted)"));
  } else {
    out.push(
      finding(
        "modem.sim",
        area,
        "warn",
        `stan karty SIM nieznany (${String(part.sim ?? "?")})`,
        `SIM state unknown (${String(part.sim ?? "?")})`,
      ),
    );
  }
  if (part.network) {
    out.push(
      finding(
        "modem.network",
        area,
        "ok",
        `zalogowany do sieci: ${String(part.network)}`,
        `registered on network: ${String(part.network)}`,
      ),
    );
  } else {
    out.push(
      finding(
        "modem.network",
        area,
        "fail",
        "modem nie jest zalogowany do sieci komórkowej",
        "the modem is not registered on the mobile network",
        {
          pl: "sprawdź antenę, zasięg i czy karta SIM jest aktywna (włóż ją do telefonu i wyślij SMS)",
          en: "check the antenna, coverage and that the SIM is active (try it in a phone)",
        },
      ),
    );
  }
  const signal = typeof part.signalPercent === "number" ? part.signalPercent : null;
  if (signal === null)
    out.push(finding("modem.signal", area, "warn", "siła sygnału nieznana", "signal strength unknown"));
  else if (signal < 10)
    out.push(
      finding(
        "modem.signal",
        area,
        "warn",
        `słaby sygnał: ${signal}% — przestaw antenę lub modem`,
        `weak signal: ${signal}% — move the antenna or modem`,
      ),
    );
  else out.push(finding("modem.signal", area, "ok", `sygnał: ${signal}%`, `signal: ${signal}%`));
  if (typeof part.smsc === "string" && part.smsc) {
    out.push(finding("modem.smsc", area, "ok", `centrum SMS: ${part.smsc}`, `SMS centre: ${part.smsc}`));
  } else if (part.smsc === null) {
    out.push(
      finding(
        "modem.smsc",
        area,
        "fail",
        "numer centrum SMS nie jest ustawiony na karcie SIM",
        "no SMS centre number on the SIM",
        {
          pl: "ustaw numer centrum SMS operatora (np. w telefonie) albo w konfiguracji gammu",
          en: "set the operator's SMS centre number (e.g. in a phone) or in gammu's configuration",
        },
      ),
    );
  } else {
    out.push(
      finding(
        "modem.smsc",
        area,
        "info",
        "centrum SMS: brama go nie raportuje (gammu bierze numer z karty SIM)",
        "SMS centre: not reported by the gateway (gammu uses the SIM's number)",
      ),
    );
  }
  if (part.status === "down" && part.sim !== "pin_refused") {
    out.push(
      finding(
        "modem.daemon",
        area,
        "fail",
        `obsługa modemu (gammu-smsd) nie działa: ${String(part.state ?? part.reason ?? "down")}`,
        `the modem daemon (gammu-smsd) is not running: ${String(part.state ?? part.reason ?? "down")}`,
        SERVICE_FIX,
      ),
    );
  }
  return out;
}

function tcpReachable(host: string, port: number, timeoutMs = 3_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (error: string | null) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done("timeout"));
    socket.once("connect", () => done(null));
    socket.once("error", (err) => done(err.message));
  });
}

const PRINTER_FIX = {
  pl: "sprawdź zasilanie i kabel drukarki oraz nazwę z reguły udev (ls -l /dev/receipt-printer); inny model: dopisz go do /etc/udev/rules.d/99-e-korespondencja.rules",
  en: "check the printer's power and cable and the udev name (ls -l /dev/receipt-printer); another model: add it to /etc/udev/rules.d/99-e-korespondencja.rules",
};

export async function checkPrinter(config: Config, health: HealthReport | null): Promise<Finding[]> {
  const area = "Drukarka";
  const uri = config.printer.uri;
  const out: Finding[] = [];
  if (uri === "virtual") {
    out.push(
      config.demo
        ? finding("printer.device", area, "info", "drukarka wirtualna (tryb demo)", "virtual printer (demo mode)")
        : finding(
            "printer.device",
            area,
            "fail",
            "drukarka wirtualna poza trybem demo: ustaw printer.uri (gateway nie wystartuje)",
            "virtual printer outside the demo: set printer.uri (the gateway refuses to start)",
          ),
    );
  } else {
    const tcp = /^tcp:\/\/([^/:]+)(?::(\d+))?\/?$/i.exec(uri);
    const path = uri.replace(/^serial:/, "").replace(/\?.*$/, "");
    const problem = tcp ? await tcpReachable(tcp[1], Number(tcp[2] ?? 9100)) : existsSync(path) ? null : "missing";
    out.push(
      problem === null
        ? finding("printer.device", area, "ok", `drukarka znaleziona: ${uri}`, `printer found: ${uri}`)
        : finding(
            "printer.device",
            area,
            "fail",
            `nie znaleziono drukarki: ${uri} (${problem})`,
            `printer not found: ${uri} (${problem})`,
            PRINTER_FIX,
          ),
    );
  }
  const part = health?.parts.printer;
  if (!part || part.status === "not_configured") {
    out.push(
      finding(
        "printer.paper",
        area,
        "info",
        "stan papieru nieznany (brama nie raportuje drukarki)",
        "paper state unknown (the gateway does not report the printer)",
      ),
    );
  } else if (part.paper === "out") {
    out.push(
      finding("printer.paper", area, "fail", "brak papieru w drukarce", "the printer is out of paper", {
        pl: "włóż nową rolkę papieru termicznego (58/80 mm)",
        en: "load a new roll of thermal paper (58/80 mm)",
      }),
    );
  } else if (part.coverOpen === true) {
    out.push(
      finding("printer.paper", area, "fail", "pokrywa drukarki jest otwarta", "the printer cover is open", {
        pl: "zamknij pokrywę drukarki",
        en: "close the printer cover",
      }),
    );
  } else if (part.paper === "near_end") {
    out.push(
      finding(
        "printer.paper",
        area,
        "warn",
        "papier się kończy — przygotuj nową rolkę",
        "paper is running low — have a new roll ready",
      ),
    );
  } else if (part.status === "down") {
    out.push(
      finding(
        "printer.paper",
        area,
        "fail",
        `drukarka nie drukuje (${String(part.state ?? "down")})`,
        `the printer cannot print (${String(part.state ?? "down")})`,
        PRINTER_FIX,
      ),
    );
  } else {
    out.push(
      finding(
        "printer.paper",
        area,
        part.paper === "ok" ? "ok" : "warn",
        `papier: ${String(part.paper ?? "?")}`,
        `paper: ${String(part.paper ?? "?")}`,
      ),
    );
  }
  return out;
}
