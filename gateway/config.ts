/**
 * One typed, validated configuration: defaults ← JSON file ← environment.
 * A bad value stops the start with a message naming the key.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as z from "zod";
import { ANNOUNCEMENT_CHANNELS, CATEGORIES, ELECTRONIC_CHANNELS } from "./domain/categories.ts";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

const channelList = z.array(z.enum(ELECTRONIC_CHANNELS)).min(1);

/** Host names (the Host header without the port) a listener answers; anything else gets 421. */
const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];
const hostNames = z
  .array(
    z
      .string()
      .min(1)
      .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)$/, "a host name without port, e.g. kiosk.example.pl"),
  )
  .min(1);
const LOOPBACK_ADDRESS = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

const DEFAULT_COOPERATIVE_NAME = 'Spółdzielnia Mieszkaniowa "Nasz Dom" w Radomiu';
const DEFAULT_COOPERATIVE_GENITIVE = 'Spółdzielni Mieszkaniowej "Nasz Dom" w Radomiu';

export const configSchema = z.object({
  /** Simulated devices, demo owners, demo keys, /dev pages. Off unless asked (`npm start` passes `--demo`). */
  demo: z.boolean().default(false),
  /** Where the database, keys, backups, the virtual printer's slips and gammu's state live (relative to the working directory). */
  dataDir: z.string().default("var"),
  /** The kiosk's listener. */
  server: z
    .object({
      /** The kiosk's listener: kiosk API and UI for the local Chromium only, so loopback only. */
      host: z.string().default("127.0.0.1"),
      /** TCP port of the kiosk's listener; 0 picks a free one. */
      port: z.coerce.number().int().min(0).max(65535).default(8080),
      /** Host names the kiosk's listener answers (the Host header without the port); any other gets 421. */
      allowedHosts: hostNames.default(LOOPBACK_NAMES),
      /** Largest request body on the kiosk API, the staff console and the dev pages (office: office.maxBodyBytes). */
      maxBodyBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .default(64 * 1024),
    })
    .prefault({}),
  /** This kiosk's id: prefix of its receipt numbers, its Message-IDs and its identity towards the office. */
  kioskId: z
    .string()
    .regex(/^[A-Z0-9-]{2,16}$/, "2-16 characters A-Z, 0-9, -")
    .default("K1"),
  /** The cooperative's time zone (IANA): calendar days, quiet hours and dates without an offset are read in it. */
  timezone: z.string().default("Europe/Warsaw"),
  /** Lowest level written to the log (pino levels); silent writes nothing. */
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Who the kiosk speaks for: names and contacts printed on slips and written in messages. */
  cooperative: z
    .object({
      /** Full name of the cooperative, as printed on slips and written in messages. */
      name: z.string().default(DEFAULT_COOPERATIVE_NAME),
      /** The name after "of" in Polish sentences ("korespondencji elektronicznej Spółdzielni …"). */
      nameGenitive: z.string().default(DEFAULT_COOPERATIVE_GENITIVE),
      /** Short name for SMS texts and the kiosk's header. */
      shortName: z.string().default('SM "Nasz Dom"'),
      /** Postal address of the office, printed on slips and in the consent text. */
      address: z.string().default("ul. Przykładowa 1, 26-600 Radom"),
      /** The office's email address that residents are told to write to. */
      officeEmail: z.string().default("biuro@naszdom.radom.pl"),
      /** The office's phone number that residents are told to call. */
      officePhone: z.string().default("+48 48 000 00 00"),
      /** The cooperative's website, shown in the consent text and messages. */
      website: z.string().default("www.eBOK.naszdom.radom.pl"),
    })
    .superRefine((c, issues) => {
      // Another cooperative's name with the seed's genitive would print a wrong name in letters.
      if (c.name !== DEFAULT_COOPERATIVE_NAME && c.nameGenitive === DEFAULT_COOPERATIVE_GENITIVE)
        issues.addIssue({
          code: "custom",
          path: ["nameGenitive"],
          message: "set the genitive form of cooperative.name too (e.g. Spółdzielni Mieszkaniowej …)",
        });
    })
    .prefault({}),
  /** The announcement's rules: when electronic delivery starts and which channel carries what. */
  rules: z
    .object({
      /** Correspondence generated on or after this day (in `timezone`) may go electronically; earlier stays on paper. */
      electronicStartDate: isoDate.default("2021-09-01"),
      /** Days after an application during which the resident still gets paper; electronic delivery starts after them. */
      graceDays: z.coerce.number().int().min(0).max(365).default(14),
      /** Payment demands (wezwania do zapłaty) stay on paper whatever the consent says. */
      paymentDemandsOnPaper: z.boolean().default(true),
      /** Which electronic channels carry each category of correspondence (the announcement's table); a category without email is an SMS-only notice, not a letter. */
      categoryChannels: z
        .object(
          Object.fromEntries(
            CATEGORIES.map((c) => [
              c,
              channelList
                .default(ANNOUNCEMENT_CHANNELS[c])
                .describe(`Electronic channels for ${c.replaceAll("_", " ")} correspondence.`),
            ]),
          ),
        )
        .prefault({}),
    })
    .prefault({}),
  /** Identifying owners and verifying contacts with one-time codes, and their limits. */
  verification: z
    .object({
      /** What the owner already has: the last 6 digits of the flat's individual bank account. */
      ownerCodeLabel: z.string().default("bank_account_last6"),
      /** How long a one-time code stays valid. */
      codeTtlSeconds: z.coerce.number().int().min(30).max(3600).default(300),
      /** Wrong entries of one code before it is void and a new one must be asked for. */
      maxWrongAttempts: z.coerce.number().int().min(1).max(20).default(5),
      /** Codes one email address or mobile number may receive per (rolling) hour. */
      codesPerContactPerHour: z.coerce.number().int().min(1).default(3),
      /** Codes this kiosk may send per (rolling) hour, all contacts together. */
      codesPerKioskPerHour: z.coerce.number().int().min(1).default(40),
      /** Codes one identified kiosk session may ask for (resends included). */
      codesPerSession: z.coerce.number().int().min(1).default(6),
      /** Different contacts per channel one session may verify (a corrected typo is the second). */
      contactsPerSession: z.coerce.number().int().min(1).default(2),
      /** Codes per contact per day (besides codesPerContactPerHour). */
      codesPerContactPerDay: z.coerce.number().int().min(1).default(6),
      /** Codes this kiosk may send per (rolling) day; the SMS bill's ceiling. */
      codesPerDay: z.coerce.number().int().min(1).default(200),
      /** Failed identifications (surname or owner code wrong) on one flat before the flat is locked for identifyCooldownMinutes. */
      identifyMaxFailures: z.coerce.number().int().min(1).default(5),
      /** How long a flat stays locked after identifyMaxFailures failures (staff may unlock it in the console). */
      identifyCooldownMinutes: z.coerce.number().int().min(1).default(15),
      /** Failures older than this no longer count towards the per-client and global delays. */
      identifyWindowMinutes: z.coerce.number().int().min(1).max(1440).default(60),
      /** Failures from one client (the kiosk, a LAN device), any flats, before it is slowed down. */
      identifyClientFreeFailures: z.coerce.number().int().min(1).default(10),
      /** Failures from all clients together before every client is slowed down. */
      identifyGlobalFreeFailures: z.coerce.number().int().min(1).default(30),
      /** The first delay; each further failure doubles it, up to identifyMaxDelayMinutes. */
      identifyFirstDelaySeconds: z.coerce.number().int().min(1).default(5),
      /** The longest delay imposed on a client or on all clients after repeated failures. */
      identifyMaxDelayMinutes: z.coerce.number().int().min(1).default(15),
      /** Failures on this many different flats from one client within the window alert the office. */
      identifyAlertFlats: z.coerce.number().int().min(2).default(5),
      /** A new code for the same contact is refused this soon after the previous one. */
      resendAfterSeconds: z.coerce.number().int().min(0).max(600).default(30),
    })
    .prefault({}),
  /** The SMS side: the modem (gammu-smsd) or the simulator, pace and text policy. */
  sms: z
    .object({
      /** simulator: the in-process SMS simulator (demo only); gammu: a real modem through gammu-smsd. */
      driver: z.enum(["simulator", "gammu"]).default("simulator"),
      /** The modem's serial device (the udev rule names it /dev/gsm-modem); with model dummy, a directory. */
      device: z.string().default("/dev/gsm-modem"),
      /** gammu's connection type, e.g. at, at115200. */
      connection: z.string().default("at"),
      /** The SIM's PIN when it asks for one; a refused PIN stops retries until it is changed. */
      pin: z
        .string()
        .regex(/^\d{4,8}$/)
        .optional(),
      /** gammu-smsd's own SQLite database (SQL service). */
      gammuDb: z.string().optional(),
      /** An smsdrc file of your own instead of the generated one (relative to dataDir). */
      smsdrc: z.string().optional(),
      /** Hours in which SMS may be sent; messages outside them wait for the next window. */
      quietHours: z
        .object({
          /** Start of the SMS sending window (HH:MM in `timezone`); outside it only codes (and outages, if exempt) go. */
          start: hhmm.default("08:00"),
          /** End of the SMS sending window (HH:MM in `timezone`). */
          end: hhmm.default("20:00"),
          /** Outage and utility-interruption notices are sent during quiet hours too. */
          outageExempt: z.boolean().default(true),
        })
        .prefault({}),
      /** SMS sent per minute at most (the operator's and the modem's pace). */
      perMinute: z.coerce.number().int().min(1).max(60).default(8),
      /** Segments one SMS may take; a longer text is refused and the message goes by another channel or paper. */
      maxParts: z.coerce.number().int().min(1).max(10).default(3),
      /** Long texts drop Polish diacritics (ą→a) when that needs fewer segments; codes and one-segment texts keep them. */
      transliterateLong: z.boolean().default(true),
      /** An SMS without a delivery report after this long counts as pending (phone off or inbox full). */
      deliveryPendingMinutes: z.coerce.number().int().min(1).default(240),
      /** Messages in a row pending past deliveryPendingMinutes before the number counts as failing. */
      pendingRepeatsToFailing: z.coerce.number().int().min(1).default(3),
      /** gammu model; "dummy" makes the directory `device` play the modem (development, tests). */
      model: z.string().optional(),
      /** smsdrc, gammu's database (unless sms.gammuDb), pid file; default <dataDir>/gammu. */
      stateDir: z.string().optional(),
      /** Identifies this gateway's modem in gammu's tables. */
      phoneId: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,32}$/)
        .default("ekor"),
      /** Ask the network for delivery reports (needed to detect unreachable numbers). */
      deliveryReports: z.boolean().default(true),
      /** How often gammu's database is read for delivery reports and incoming SMS. */
      pollMs: z.coerce.number().int().min(50).max(60_000).default(2000),
      /** Service centre number for a SIM that has none stored (gammu: "Message without SMSC"). */
      smsc: z
        .string()
        .regex(/^\+?\d{3,20}$/, "expected a phone number like +48601000310")
        .optional(),
      /** gammu-smsd running with a heartbeat (phones table) older than this is restarted; 0: never. */
      heartbeatStaleSeconds: z.coerce.number().int().min(0).max(86_400).default(300),
      /**
       * After this many heartbeat restarts in a row, the modem's USB device is reset by the root
       * helper (e-korespondencja-usb-reset.path) before the next restart; 0: never.
       */
      usbResetAfterRestarts: z.coerce.number().int().min(0).max(100).default(2),
      /**
       * A SIM800/SIM7600 HAT whose PWRKEY is wired to a GPIO pin: pulsed at start when the modem
       * does not answer AT (never when it does: a pulse would switch it off). Uses `pinctrl`.
       */
      powerKey: z
        .object({
          /** The GPIO pin (BCM numbering) wired to the modem's PWRKEY. */
          gpio: z.coerce.number().int().min(0).max(53),
          /** How long the power key is held down. */
          pulseMs: z.coerce.number().int().min(100).max(5000).default(1500),
          /** How long the modem needs after the pulse before it answers AT. */
          bootSeconds: z.coerce.number().int().min(1).max(120).default(15),
        })
        .optional(),
      /** The gammu-smsd executable (name on PATH or full path). */
      smsdBin: z.string().default("gammu-smsd"),
      /** The gammu-smsd-inject executable (name on PATH or full path). */
      injectBin: z.string().default("gammu-smsd-inject"),
    })
    .prefault({}),
  /** The email side: the SMTP server (or the demo's sink) and the bounce mailbox. */
  email: z
    .object({
      /** sink: the in-process SMTP sink shown at /dev/mail (demo only); smtp: a real SMTP server. */
      driver: z.enum(["sink", "smtp"]).default("sink"),
      /** The SMTP server's host name. */
      host: z.string().default("127.0.0.1"),
      /** The SMTP server's port (587 submission, 465 with secure, 25 relay). */
      port: z.coerce.number().int().min(1).max(65535).default(2525),
      /** TLS from the first byte (port 465). */
      secure: z.boolean().default(false),
      /** Refuse to send unless the server offers STARTTLS. */
      requireTLS: z.boolean().default(false),
      /** Never use STARTTLS (a local relay or the demo sink only). */
      ignoreTLS: z.boolean().default(true),
      /** SMTP login user, when the server needs one. */
      user: z.string().optional(),
      /** SMTP login password. */
      pass: z.string().optional(),
      /** SMTP connections kept open at once. */
      pool: z.coerce.number().int().min(1).max(20).default(3),
      /** The From address of every message. */
      from: z.string().default("korespondencja@naszdom.radom.pl"),
      /** The Reply-To address: where residents' answers go (the office). */
      replyTo: z.string().default("biuro@naszdom.radom.pl"),
      /** Right-hand side of Message-IDs (`<outbox id@domain>`); default: kiosk id + the From domain. */
      messageIdDomain: z.string().optional(),
      /** VERP envelope sender, e.g. "bounces@naszdom.radom.pl" → MAIL FROM bounces+<outbox id>@… */
      bounceAddress: z.string().optional(),
      /** Full-mailbox bounces: after this many within this many days the address is failing. */
      mailboxFull: z
        .object({
          /** Full-mailbox bounces within `days` that mark the address failing. */
          bounces: z.coerce.number().int().min(1).max(100).default(3),
          /** The window, in days, in which full-mailbox bounces are counted. */
          days: z.coerce.number().int().min(1).max(90).default(7),
        })
        .prefault({}),
      /** Connection, greeting and socket timeout of the SMTP client. */
      timeoutSeconds: z.coerce.number().int().min(1).max(600).default(30),
      /** Sending rate limit (0 = only the pool limits it). */
      perMinute: z.coerce.number().int().min(0).default(0),
      /** The mailbox that receives bounce reports (DSN), read to mark addresses failing; unset: no bounce reading. */
      imap: z
        .object({
          /** The IMAP server's host name. */
          host: z.string(),
          /** The IMAP server's port (993 with secure, 143 without). */
          port: z.coerce.number().int(),
          /** TLS from the first byte (port 993). */
          secure: z.boolean().default(false),
          /** IMAP login user. */
          user: z.string(),
          /** IMAP login password. */
          pass: z.string(),
          /** The folder bounces arrive in. */
          mailbox: z.string().default("INBOX"),
          /** How often the mailbox is read. */
          pollSeconds: z.coerce.number().int().min(1).default(60),
        })
        .optional(),
    })
    .prefault({}),
  /** The outbox workers that deliver email and SMS at least once. */
  outbox: z
    .object({
      /** A claimed row not confirmed within this time is claimed again (the worker crashed). */
      leaseSeconds: z.coerce.number().int().min(1).max(3600).default(120),
      /** Fallback poll; new rows wake the workers at once. */
      pollMs: z.coerce.number().int().min(10).max(60_000).default(1000),
      /** First wait before a message that failed for a passing reason is tried again; each retry doubles it (with jitter). */
      retryBaseSeconds: z.coerce.number().min(0.01).default(30),
      /** Longest wait between retries. */
      retryMaxSeconds: z.coerce.number().min(0.01).default(3600),
      /** Messages in flight at once per channel. */
      concurrency: z
        .object({
          // about 4 × email.pool: the pool always has the next message queued
          /** Emails in flight at once (about 4 × email.pool, so the pool always has the next one queued). */
          email: z.coerce.number().int().min(1).max(100).default(12),
          /** SMS in flight at once (the modem sends one at a time). */
          sms: z.coerce.number().int().min(1).max(20).default(2),
        })
        .prefault({}),
    })
    .prefault({}),
  /** The receipt printer. */
  printer: z
    .object({
      /** "virtual" (simulator started in-process), or a device URI. */
      uri: z.string().default("virtual"),
      /** Paper width: 58 or 80 mm. */
      widthMm: z.union([z.literal(58), z.literal(80)]).default(80),
      /** Serial line speed for a serial printer URI. */
      baud: z.coerce.number().int().default(38400),
      /**
       * Status through DLE EOT. auto: a printer that never answers it, or a one-way USB line
       * (read fails with EINVAL), prints write-only and health shows degraded; required: no answer
       * means offline, no slip; none: never asked.
       */
      status: z.enum(["auto", "required", "none"]).default("auto"),
      /** A write not through in this time fails the slip and frees the line (paper out mid-slip). */
      writeTimeoutSeconds: z.coerce.number().min(0.1).max(300).default(15),
      /**
       * epson: PC852 at ESC t 18, QR with GS ( k. generic (cheap POS58/POS80): PC852 at 18, QR as a
       * raster image. ascii: transliterated text, raster QR. See docs/hardware.md.
       */
      profile: z.enum(["epson", "generic", "ascii"]).default("epson"),
      /** Overrides the profile's code page: the n of ESC t n from the printer's self-test page, or "none". */
      codePage: z
        .union([
          z.literal("none"),
          z.object({
            /** The character set of that code page. */
            encoding: z.enum(["cp852", "win1250", "iso-8859-2"]),
            /** The n of ESC t n that selects it (from the printer's self-test page). */
            escT: z.coerce.number().int().min(0).max(255),
          }),
        ])
        .optional(),
      /** Overrides the profile's QR: native (GS ( k) or raster (GS v 0, for printers that ignore it). */
      qr: z.enum(["native", "raster"]).optional(),
      /** How often the printer's status is polled (health, reprint of failed slips). */
      pollSeconds: z.coerce.number().min(0.05).max(3600).default(10),
      /** Failed slips are reprinted automatically only this long after issue (then: reprint route). */
      reprintWindowMinutes: z.coerce.number().min(0).max(1440).default(10),
    })
    .prefault({}),
  /** The office API, the staff console's listener and the push to the office's system. */
  office: z
    .object({
      /** The office API (/office/v1) and the staff console listen here, apart from the kiosk API. */
      listen: z
        .object({
          /** Address of the office listener (office API and staff console); loopback unless a reverse proxy or tunnel needs more. */
          host: z.string().default("127.0.0.1"),
          /** Default: server.port + 1 (8081), or a free port when server.port is 0. */
          port: z.coerce.number().int().min(0).max(65535).optional(),
        })
        .prefault({}),
      /** Names the office listener answers (add the reverse proxy's name, e.g. "kiosk-radom.naszdom.pl"). */
      allowedHosts: hostNames.default(LOOPBACK_NAMES),
      /** Push target (the Pi behind NAT pushes events here; see docs/office-api.md). Unset: pull only. */
      url: z.string().url().optional(),
      /** The key id the gateway signs pushes with (required with office.url). */
      keyId: z.string().optional(),
      /** That key's secret, as the office gave it (required with office.url). */
      secret: z.string().optional(),
      /** A signed office request whose timestamp is further than this from the gateway's clock is refused; nonces are kept twice as long. */
      timestampWindowSeconds: z.coerce.number().int().min(30).default(300),
      /** A correspondence item's generated_at may be this far ahead of the gateway's clock (clock skew); later is refused. */
      maxFutureSkewSeconds: z.coerce.number().int().min(0).max(86_400).default(300),
      /** Demo mode's `demo-office` key secret (env OFFICE_DEMO_SECRET); generated and stored when unset. */
      demoSecret: z.string().min(16).optional(),
      /** Correspondence items one office request may carry. */
      maxBatchItems: z.coerce.number().int().min(1).max(50_000).default(10_000),
      /** Largest PDF attachment of one correspondence item. */
      maxAttachmentBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .default(5 * 1024 * 1024),
      /** Largest body of a signed office request. */
      maxBodyBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .default(64 * 1024 * 1024),
      /** Register events or delivery records sent in one push. */
      pushBatchSize: z.coerce.number().int().min(1).max(10_000).default(500),
      /** How often the gateway looks for something new to push when idle. */
      pushIntervalMs: z.coerce.number().int().min(10).default(2_000),
      /** First wait after a failed push; each further failure doubles it (with jitter). */
      pushBackoffBaseMs: z.coerce.number().int().min(1).default(1_000),
      /** Longest wait between failed pushes. */
      pushBackoffMaxMs: z.coerce.number().int().min(1).default(300_000),
      /** A push the office has not answered within this time fails. */
      pushTimeoutMs: z.coerce.number().int().min(100).default(30_000),
      /** An idle stream asks the office for its head this often (an empty batch), so an office that lost its data is refilled without waiting for a new event. */
      pushHeadCheckMs: z.coerce.number().int().min(10).default(60_000),
      /**
       * A letter's paper delivery change carries the flat's address and its owners' names (a rejection notice's also the office's reason and the letter's text), so the office's hub can list it for posting. Off: only the flat, category, subject and date; names, addresses and rejection reasons stay at the kiosk (its own paper list).
       */
      pushLetterDetails: z.boolean().default(true),
    })
    .prefault({}),
  /** The periodic pruning of tables that grow with use (see gateway/housekeeping.ts). */
  housekeeping: z
    .object({
      /** How often expired rows are pruned. */
      intervalSeconds: z.coerce.number().int().min(1).max(86_400).default(600),
      /** Kiosk idempotency records (a double tap, a retried enrolment) are kept this long. */
      idempotencyHours: z.coerce.number().min(1).max(720).default(24),
      /** Office alerts are kept this long. */
      alertDays: z.coerce.number().int().min(1).max(3650).default(90),
    })
    .prefault({}),
  /**
   * scrypt for staff passwords and owner codes runs on low-priority worker threads, in bounded
   * queues (kiosk identifications before staff logins); see gateway/hashing.ts.
   */
  hashing: z
    .object({
      /** Hashing threads; keep it below the core count, so the event loop keeps a core. One serves a kiosk. */
      concurrency: z.coerce.number().int().min(1).max(16).default(1),
      /** Hashes waiting per lane (kiosk, office); one more is refused with 503 BUSY and Retry-After. */
      maxQueued: z.coerce.number().int().min(0).max(1000).default(16),
      /** The hashing threads' nice value (0–19): at 10 the event loop and the kiosk's browser preempt them at once. */
      nice: z.coerce.number().int().min(0).max(19).default(10),
    })
    .prefault({}),
  /** The staff console's logins and sessions. */
  staff: z
    .object({
      /** Absolute session lifetime, however active the session. */
      sessionHours: z.coerce.number().min(0.1).max(168).default(8),
      /** A session unused this long ends. */
      idleMinutes: z.coerce.number().min(1).max(1440).default(30),
      /** Wrong passwords for one user from one client before that pair is delayed. */
      maxFailedLogins: z.coerce.number().int().min(1).max(50).default(5),
      /** Wrong passwords from one client (any user names) before that client is delayed. */
      clientMaxFailures: z.coerce.number().int().min(1).max(1000).default(10),
      /**
       * Wrong passwords for one user name from all clients together before devices without that
       * user's device cookie are delayed (the user's own browsers still get in; see docs/security.md).
       */
      userMaxFailures: z.coerce.number().int().min(1).max(10_000).default(20),
      /** How long a browser stays a known device for a user after signing in there. */
      deviceCookieDays: z.coerce.number().int().min(1).max(730).default(180),
      /** The first delay; each further failure doubles it, up to lockoutMinutes. */
      firstDelaySeconds: z.coerce.number().int().min(1).default(30),
      /** The longest delay. */
      lockoutMinutes: z.coerce.number().int().min(1).default(15),
      /** Failures older than this no longer count (and are pruned). */
      failureWindowHours: z.coerce.number().min(1).max(720).default(24),
      /** Demo mode's console user `biuro` (env STAFF_DEMO_PASSWORD); see the office notes. */
      demoPassword: z.string().min(8).default("nasz-dom-demo"),
    })
    .prefault({}),
  /** The consent text residents agree to. */
  consent: z
    .object({
      /** Version of the consent text the kiosk shows; stored with each enrolment and printed on the slip. */
      version: z.string().default("2021-08-v1"),
    })
    .prefault({}),
  /** The system clock (a Pi has no battery clock; see SteadyClock in gateway/clock.ts). */
  clock: z
    .object({
      /** A jump of the wall clock larger than this is a step: taken in with the stored deadlines moved. */
      stepToleranceSeconds: z.coerce.number().min(0.5).max(3600).default(2),
    })
    .prefault({}),
  /** The data directory's disk (an SD card on a Pi): health turns degraded below this much free space. */
  disk: z
    .object({
      /** Free space (MB) below which health turns degraded; backups also keep this much free. */
      minFreeMb: z.coerce.number().int().min(1).max(100_000).default(100),
    })
    .prefault({}),
  /** The touchscreen's behaviour. */
  kiosk: z
    .object({
      /** Seconds without a touch before the kiosk asks whether the resident is still there. */
      idleWarnSeconds: z.coerce.number().int().min(5).default(45),
      /** Seconds without a touch before the session ends and the screen is wiped. */
      idleWipeSeconds: z.coerce.number().int().min(10).default(60),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`configuration key "${key}": ${message}`);
    this.name = "ConfigError";
  }
}

/** Environment variables that override single keys. `EK__a__b=v` sets `a.b` (typed by the schema, see parseEnvValue). */
const ENV_KEYS: Record<string, string> = {
  PORT: "server.port",
  OFFICE_PORT: "office.listen.port",
  HOST: "server.host",
  DATA_DIR: "dataDir",
  LOG_LEVEL: "logLevel",
  KIOSK_ID: "kioskId",
  OFFICE_URL: "office.url",
  OFFICE_DEMO_SECRET: "office.demoSecret",
  STAFF_DEMO_PASSWORD: "staff.demoPassword",
};

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** The schema node at a dotted path, without its optional/default wrappers (undefined: no such key). */
function schemaAt(path: string[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = configSchema;
  for (const part of path) {
    node = unwrap(node);
    if (!(node instanceof z.ZodObject)) return undefined;
    node = (node.shape as Record<string, z.ZodType>)[part];
  }
  return node && unwrap(node);
}

function unwrap(node: z.ZodType): z.ZodType {
  let current = node;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodDefault ||
    current instanceof z.ZodPrefault ||
    current instanceof z.ZodNullable
  ) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/**
 * An environment value parsed by the type the schema expects at its key: a string key keeps the
 * text as it stands (a PIN `1234` or a password `12345678` stays a string; a JSON-quoted `"07:30"`
 * is unquoted), any other key takes JSON when it parses (numbers, booleans, arrays, objects).
 */
export function parseEnvValue(path: string[], raw: string): unknown {
  const expected = schemaAt(path);
  if (expected instanceof z.ZodString || expected instanceof z.ZodEnum) {
    if (/^".*"$/s.test(raw)) {
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    }
    return raw;
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Builds the raw object from a file and the environment, then validates it. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: object = {}): Config {
  const raw: Record<string, unknown> = {};
  const file = env.CONFIG_FILE ?? (env.DATA_DIR ? join(env.DATA_DIR, "config.json") : "var/config.json");
  if (existsSync(file)) {
    try {
      Object.assign(raw, JSON.parse(readFileSync(file, "utf8")));
    } catch (err) {
      throw new ConfigError("CONFIG_FILE", `${file} is not valid JSON (${(err as Error).message})`);
    }
  } else if (env.CONFIG_FILE) {
    throw new ConfigError("CONFIG_FILE", `${file} does not exist`);
  }
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== "") setPath(raw, path, value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("EK__") && value !== undefined) {
      const path = name.slice(4).split("__");
      setPath(raw, path.join("."), parseEnvValue(path, value));
    }
  }
  deepMerge(raw, overrides as Record<string, unknown>);
  return validateConfig(raw);
}

export function validateConfig(raw: unknown): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(issue.path.join(".") || "(root)", issue.message);
  }
  const config = result.data;
  config.dataDir = resolve(config.dataDir);
  config.office.listen.port ??= config.server.port === 0 ? 0 : config.server.port + 1;
  if (!LOOPBACK_ADDRESS.test(config.server.host)) {
    throw new ConfigError(
      "server.host",
      `${config.server.host} is not a loopback address: the kiosk API serves only the local kiosk; the office API and the staff console listen on office.listen`,
    );
  }
  if (config.office.url && (!config.office.keyId || !config.office.secret)) {
    const missing = (["keyId", "secret"] as const).filter((k) => !config.office[k]).map((k) => `office.${k}`);
    throw new ConfigError(
      missing[0],
      `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} required when office.url is set (the key the office gave this kiosk to sign its pushes)`,
    );
  }
  if (config.kiosk.idleWarnSeconds >= config.kiosk.idleWipeSeconds) {
    throw new ConfigError("kiosk.idleWarnSeconds", "must be smaller than kiosk.idleWipeSeconds");
  }
  return config;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
      deepMerge(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}
