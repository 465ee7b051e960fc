/**
 * The "modem" of gammu's dummy driver is a directory: received messages are files in gammu's SMS
 * backup format under `sms/1/<n>`. Writing such a file is what a phone network does to a real
 * modem: gammu-smsd reads it, stores it in `inbox` (or, for a status report, updates
 * `sentitems`) and deletes the file.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isGsm7 } from "../../../gateway/domain/smsText.ts";

function hexUcs2(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return out;
}

/** VCAL date-time in UTC (the daemon runs with TZ=UTC). */
function vcalTime(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "");
}

function drop(device: string, body: string): string {
  const folder = join(device, "sms", "1");
  mkdirSync(folder, { recursive: true });
  let n = 1;
  while (existsSync(join(folder, String(n)))) n++;
  const tmp = join(device, `.incoming-${process.pid}-${Date.now()}-${n}`);
  writeFileSync(tmp, body);
  const target = join(folder, String(n));
  renameSync(tmp, target);
  return target;
}

export interface DummyIncoming {
  from: string;
  text: string;
  at?: Date;
  smsc?: string;
}

/** A text message from a resident arriving at the modem. */
export function dropIncomingSms(device: string, sms: DummyIncoming): string {
  const unicode = !isGsm7(sms.text);
  return drop(
    device,
    [
      "[SMSBackup000]",
      `SMSC = "${sms.smsc ?? "+48601000310"}"`,
      "PDU = Deliver",
      `DateTime = ${vcalTime(sms.at ?? new Date())}`,
      "State = UnRead",
      `Number = "${sms.from}"`,
      `Text00 = ${hexUcs2(sms.text)}`,
      `Coding = ${unicode ? "Unicode_No_Compression" : "Default_No_Compression"}`,
      "Folder = 1",
      `Length = ${sms.text.length}`,
      "Class = -1",
      "",
    ].join("\n"),
  );
}

export type ReportOutcome = "Delivered" | "Failed" | "Pending";

/**
 * A delivery report from the network. gammu matches it to `sentitems` by number, message
 * reference (the dummy driver always uses 255) and SMSC ("123456" on the dummy phone).
 */
export function dropStatusReport(
  device: string,
  report: { to: string; outcome: ReportOutcome; at?: Date; reference?: number },
): string {
  return drop(
    device,
    [
      "[SMSBackup000]",
      'SMSC = "123456"',
      "PDU = Status_Report",
      `DateTime = ${vcalTime(report.at ?? new Date())}`,
      "State = UnRead",
      `Number = "${report.to}"`,
      `Text00 = ${hexUcs2(report.outcome)}`,
      "Coding = Default_No_Compression",
      "Folder = 1",
      `Length = ${report.outcome.length}`,
      "Class = -1",
      `MessageReference = ${report.reference ?? 255}`,
      "",
    ].join("\n"),
  );
}
