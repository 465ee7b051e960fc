/**
 * The human-readable part of a bounce, for the mail systems that send nothing else (qmail,
 * Exim, Sendmail, Yahoo, Exchange and Microsoft 365 notices, forwarded or flattened reports)
 * and to confirm what an RFC 3464 part says. Pure text rules, no I/O.
 */
import { enhancedStatus } from "./deliveryStatus.ts";

export type TextFormat = "qmail" | "exim" | "sendmail" | "postfix" | "exchange" | "gmail" | "yahoo" | "text";

/** Where the returned copy of our message starts: nothing below is the MTA speaking. */
const COPY_MARKERS = [
  /^-+\s*Below this line is a copy of the message/im,
  /^-+\s*This is a copy of the message/im,
  /^-+\s*Original message/im,
  /^-+\s*Kopia (?:nagłówków )?wiadomości/im,
  /^Original message headers:/im,
  /^-+\s*The header of the original message/im,
];

/** Splits the text into what the MTA says and the returned copy (headers of our message). */
export function splitReturnedCopy(text: string): { report: string; copy: string } {
  const normalized = text.replace(/\r\n?/g, "\n");
  let cut = normalized.length;
  for (const marker of COPY_MARKERS) {
    const m = marker.exec(normalized);
    if (m && m.index < cut) cut = m.index;
  }
  return { report: normalized.slice(0, cut), copy: normalized.slice(cut) };
}

export function detectFormat(text: string, subject: string): TextFormat {
  if (/This is the qmail-send program/i.test(text)) return "qmail";
  if (/Sorry, we were unable to deliver your message/i.test(text)) return "yahoo";
  if (/following addresses had (permanent fatal|transient non-fatal) errors/i.test(text)) return "sendmail";
  if (/This message was created automatically by mail delivery software/i.test(text)) return "exim";
  if (/This is the mail system at host/i.test(text)) return "postfix";
  if (/Delivery (has failed|is delayed) to these recipients|couldn't be delivered|Remote Server returned/i.test(text))
    return "exchange";
  if (/Delivery Status Notification/i.test(subject) || /\*\* (Address not found|Message not delivered)/i.test(text))
    return "gmail";
  return "text";
}

const ADDRESS = "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]+)+";

/**
 * Recipients named by the MTA, in order. Line-start forms cover Postfix, qmail, Yahoo,
 * Sendmail, Exim and Exchange; sentence forms cover Gmail and Microsoft 365. "(expanded from
 * <x>)" names the address we sent to.
 */
export function textRecipients(report: string): string[] {
  const found: string[] = [];
  const add = (a: string | undefined) => {
    if (!a) return;
    const lower = a.toLowerCase().replace(/\.$/, "");
    if (!found.includes(lower)) found.push(lower);
  };
  const lineStart = new RegExp(
    `^[ \\t]*<?(${ADDRESS})>?(?:<mailto:[^>]*>)?(?:[ \\t]*\\(expanded from <(${ADDRESS})>\\))?[ \\t]*(?::|\\.\\.\\.|$)`,
    "gm",
  );
  for (const m of report.matchAll(lineStart)) add(m[2] ?? m[1]);
  const sentences = [
    new RegExp(`(?:wasn't|was not|couldn't be|could not be) delivered to <?(${ADDRESS})>?`, "gi"),
    new RegExp(`Your message to <?(${ADDRESS})>? couldn't be delivered`, "gi"),
    new RegExp(`delivering your message to <?(${ADDRESS})>?`, "gi"),
    new RegExp(`(?:RCPT TO:?|recipient:?)\\s*<(${ADDRESS})>`, "gi"),
  ];
  if (found.length === 0) for (const re of sentences) for (const m of report.matchAll(re)) add(m[1]);
  return found;
}

/** The text the MTA wrote about one recipient (its block), or the whole report. */
export function reasonFor(report: string, recipient: string): string {
  const lines = report.split("\n");
  const at = lines.findIndex((l) => l.toLowerCase().includes(recipient));
  if (at < 0) return report;
  const block: string[] = [];
  for (let i = at; i < lines.length && block.length < 12; i++) {
    if (i > at + 1 && lines[i].trim() === "" && block.some((b) => b.trim() !== "")) break;
    block.push(lines[i]);
  }
  return block.join("\n");
}

const MAILBOX_FULL = [
  /mailbox (?:is )?full/i,
  /mailbox not found or full/i,
  /\bover ?quota\b/i,
  /quota (?:exceeded|exceed)/i,
  /QuotaExceeded/,
  /exceeded (?:the )?storage/i,
  /insufficient (?:system )?storage/i,
  /mailbox size limit/i,
  /mailbox has exceeded/i,
  /storage allocation/i,
  /skrzynk\w* (?:\w+ )?(?:jest )?(?:pełna|przepełniona|zapełniona)/i,
  /przekroczon\w* (?:limit|pojemno|powierzchni)/i,
  /brak miejsca w skrzynce/i,
];

const TEMPORARY = [
  /THIS IS A WARNING (?:MESSAGE )?ONLY/i,
  /still being retried/i,
  /has not yet been delivered/i,
  /not delivered yet/i,
  /Delivery is delayed/i,
  /temporary (?:problem|failure)/i,
  /will (?:continue to be attempted|keep trying|retry)/i,
  /transient non-fatal/i,
  /\bDeferred\b/,
  /Delay reason/i,
  /Delivery delayed/i,
];

const PERMANENT = [
  /permanent (?:fatal )?error/i,
  /given up|giving up/i,
  /could ?n[o']t be delivered|couldn't be delivered|wasn't delivered|was not delivered/i,
  /unable to deliver/i,
  /Delivery has failed/i,
  /address(?:\(es\))? failed/i,
  /nie została dostarczona|niedostarczon/i,
  /delivery error/i,
];

const UNKNOWN_ADDRESS = [
  /user unknown|unknown user/i,
  /no such (?:user|account|mailbox|recipient)/i,
  /no mailbox here/i,
  /does not exist|doesn't exist|doesn't have a [\w.]+ account/i,
  /(?:account|address|recipient|user) (?:not found|couldn't be found|could not be found)/i,
  /RecipNotFound|invalid recipient|not a valid mailbox|mailbox unavailable/i,
  /nie istnieje|nieznany (?:użytkownik|adresat|odbiorca)/i,
  /Domain not found|Host or domain name not found/i,
];

export const isMailboxFull = (text: string, status: string | null) =>
  (status !== null && /^[45]\.2\.2$/.test(status)) || MAILBOX_FULL.some((re) => re.test(text));

export const soundsTemporary = (text: string) => TEMPORARY.some((re) => re.test(text));
export const soundsPermanent = (text: string) => PERMANENT.some((re) => re.test(text));
export const blamesUnknownAddress = (text: string) => UNKNOWN_ADDRESS.some((re) => re.test(text));

/**
 * A status from the text: the enhanced code, else one implied by a plain SMTP reply
 * ("552 …" → 5.0.0) so the kind can still be told; null when the text has neither.
 */
export function textStatus(text: string): string | null {
  const enhanced = enhancedStatus(text.replace(/#(\d)/g, "$1"));
  if (enhanced) return enhanced;
  return null;
}

/** A bare SMTP reply code in the text (550, 552, 452 …). */
export function smtpCode(text: string): number | null {
  const m = /(?:^|[\s'(:])([45]\d\d)(?=[\s:-])/m.exec(text);
  return m ? Number(m[1]) : null;
}
