/** SMTP login, the IMAP bounce box, the office URL, and the clock. */
import { existsSync } from "node:fs";
import { execa } from "execa";
import type { Config } from "../../gateway/config.ts";
import { type Finding, finding } from "./findings.ts";

const TIMEOUT_MS = 6_000;

export async function checkSmtp(config: Config): Promise<Finding> {
  const area = "Poczta (SMTP)";
  const email = config.email;
  if (email.driver !== "smtp") {
    return finding(
      "smtp.login",
      area,
      config.demo ? "info" : "fail",
      config.demo
        ? "poczta wysyłana do atrapy (tryb demo)"
        : "atrapa poczty poza trybem demo: ustaw email.driver na smtp (gateway nie wystartuje)",
      config.demo
        ? "email goes to the sink (demo mode)"
        : "mail sink outside the demo: set email.driver to smtp (the gateway refuses to start)",
    );
  }
  // Loaded only when needed: these libraries take seconds to import on a Pi.
  const { default: nodemailer } = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host: email.host,
    port: email.port,
    secure: email.secure,
    requireTLS: email.requireTLS,
    ignoreTLS: email.ignoreTLS,
    auth: email.user ? { user: email.user, pass: email.pass ?? "" } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await transport.verify();
    return finding(
      "smtp.login",
      area,
      "ok",
      `logowanie do ${email.host}:${email.port} działa`,
      `login to ${email.host}:${email.port} works`,
    );
  } catch (err) {
    const e = err as Error & { code?: string };
    const auth = e.code === "EAUTH";
    return finding(
      "smtp.login",
      area,
      "fail",
      auth
        ? `serwer SMTP ${email.host} odrzucił login lub hasło`
        : `serwer SMTP ${email.host}:${email.port} nieosiągalny (${e.code ?? e.message})`,
      auth
        ? `the SMTP server ${email.host} refused the user or password`
        : `the SMTP server ${email.host}:${email.port} is unreachable (${e.code ?? e.message})`,
      auth
        ? {
            pl: "popraw email.user / email.pass w /etc/e-korespondencja/config.json",
            en: "fix email.user / email.pass in /etc/e-korespondencja/config.json",
          }
        : {
            pl: "sprawdź sieć, email.host i email.port (587 z STARTTLS, 465 z secure: true)",
            en: "check the network, email.host and email.port (587 with STARTTLS, 465 with secure: true)",
          },
    );
  } finally {
    transport.close();
  }
}

export async function checkImap(config: Config): Promise<Finding> {
  const area = "Skrzynka zwrotów (IMAP)";
  const imap = config.email.imap;
  if (!imap) {
    return config.email.driver === "smtp"
      ? finding(
          "imap.login",
          area,
          "warn",
          "nie skonfigurowano — zwroty (odbite maile) nie będą wykrywane",
          "not configured — bounced emails will not be detected",
        )
      : finding("imap.login", area, "info", "nie skonfigurowano (tryb demo)", "not configured (demo mode)");
  }
  const { ImapFlow } = await import("imapflow");
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.pass },
    logger: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const box = await client.mailboxOpen(imap.mailbox, { readOnly: true });
    await client.logout();
    return finding(
      "imap.login",
      area,
      "ok",
      `${imap.host}: skrzynka ${imap.mailbox} dostępna (${box.exists} wiadomości)`,
      `${imap.host}: mailbox ${imap.mailbox} reachable (${box.exists} messages)`,
    );
  } catch (err) {
    client.close();
    const e = err as Error & { code?: string; authenticationFailed?: boolean };
    const why = e.authenticationFailed ? "login/hasło odrzucone" : (e.code ?? e.message);
    return finding(
      "imap.login",
      area,
      "fail",
      `skrzynka zwrotów ${imap.host}:${imap.port} niedostępna (${why})`,
      `the bounce mailbox ${imap.host}:${imap.port} is unreachable (${e.authenticationFailed ? "login refused" : (e.code ?? e.message)})`,
      {
        pl: "sprawdź email.imap.* w /etc/e-korespondencja/config.json i sieć",
        en: "check email.imap.* in /etc/e-korespondencja/config.json and the network",
      },
    );
  }
}

/** Reachability of the office URL and the clock difference from its `Date` header. */
export async function checkOffice(config: Config, now: () => number = Date.now): Promise<Finding[]> {
  const area = "Biuro (office)";
  const url = config.office.url;
  if (!url) {
    return [
      finding(
        "office.reachable",
        area,
        "info",
        "adres biura nie ustawiony (biuro samo pobiera dane)",
        "office URL not set (the office pulls)",
      ),
    ];
  }
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "manual" });
    await res.body?.cancel();
  } catch (err) {
    return [
      finding(
        "office.reachable",
        area,
        "fail",
        `biuro nieosiągalne: ${url} (${(err as Error).message})`,
        `office unreachable: ${url} (${(err as Error).message})`,
        {
          pl: "sprawdź połączenie z internetem (ping, kabel/Wi-Fi/modem) i office.url",
          en: "check the internet connection (ping, cable/Wi-Fi/modem) and office.url",
        },
      ),
    ];
  }
  const out = [
    finding("office.reachable", area, "ok", `biuro odpowiada (${res.status})`, `office answers (${res.status})`),
  ];
  const date = res.headers.get("date");
  if (date) {
    const skew = Math.round((now() - Date.parse(date)) / 1000);
    out.push(
      Math.abs(skew) <= 60
        ? finding(
            "office.clock",
            area,
            "ok",
            `zegar zgodny z biurem (różnica ${skew} s)`,
            `clock agrees with the office (${skew} s apart)`,
          )
        : finding(
            "office.clock",
            area,
            "fail",
            `zegar różni się od biura o ${skew} s — podpisy i synchronizacja będą odrzucane`,
            `the clock is ${skew} s off the office's — signatures and sync will be refused`,
            {
              pl: "sudo timedatectl set-ntp true; sprawdź systemd-timesyncd i dostęp do serwerów NTP",
              en: "sudo timedatectl set-ntp true; check systemd-timesyncd and access to NTP servers",
            },
          ),
    );
  }
  return out;
}

export async function checkClockSync(): Promise<Finding> {
  const area = "Zegar (NTP)";
  // timedatectl asks systemd over D-Bus: only worth it when systemd is the init system.
  const run = existsSync("/run/systemd/system")
    ? await execa("timedatectl", ["show", "-p", "NTPSynchronized", "--value"], { reject: false, timeout: 4_000 })
    : null;
  const answer = run?.exitCode === 0 ? run.stdout.trim() : "";
  if (answer === "yes" || existsSync("/run/systemd/timesync/synchronized")) {
    return finding("clock.ntp", area, "ok", "zegar zsynchronizowany z NTP", "clock synchronised with NTP");
  }
  if (answer === "no") {
    return finding(
      "clock.ntp",
      area,
      "fail",
      "zegar NIE jest zsynchronizowany — pokwitowania miałyby złą datę",
      "the clock is NOT synchronised — receipts would carry a wrong time",
      {
        pl: "sprawdź sieć, potem: sudo systemctl restart systemd-timesyncd; timedatectl timesync-status",
        en: "check the network, then: sudo systemctl restart systemd-timesyncd; timedatectl timesync-status",
      },
    );
  }
  return finding(
    "clock.ntp",
    area,
    "warn",
    "nie można sprawdzić synchronizacji zegara (brak timedatectl/systemd)",
    "cannot tell whether the clock is synchronised (no timedatectl/systemd)",
  );
}
