/**
 * One classifier for every bounce: the IMAP bounce reader and `npm run bounce -- classify`
 * both call `classifyBounce`. MIME is parsed by mailparser; the RFC 3464 part is read when
 * there is one, the human text otherwise (and to name the kind when the report is vague).
 *
 * Kinds:
 * - permanent:    the message will not be delivered (the address may be to blame, see blamesAddress)
 * - temporary:    the MTA keeps trying; nothing changes
 * - mailbox_full: 4.2.2 / 5.2.2 or the providers' wordings; the resident's part of the deal
 * - delivered:    a positive report (delivered, relayed, expanded)
 * - unclassified: a bounce (from a mailer daemon, or to our VERP address) we cannot read
 * - not_a_bounce: anything else (replies, out-of-office notes)
 */
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import { type DsnField, enhancedStatus, fieldBlock, parseDeliveryStatus } from "./deliveryStatus.ts";
import {
  blamesUnknownAddress,
  detectFormat,
  isMailboxFull,
  reasonFor,
  smtpCode,
  soundsPermanent,
  soundsTemporary,
  splitReturnedCopy,
  type TextFormat,
  textRecipients,
  textStatus,
} from "./textReports.ts";

export type BounceKind = "permanent" | "temporary" | "mailbox_full" | "delivered" | "unclassified" | "not_a_bounce";

export interface BounceReport {
  kind: BounceKind;
  /** The addresses the report is about (the ones we sent to, lower-cased). */
  recipients: string[];
  /** Enhanced status (e.g. "5.1.1") when the report gives one. */
  status: string | null;
  /** Message-ID of our message, from the returned copy or X-Original-Message-ID. */
  messageId: string | null;
  /** Where the report was delivered (To, Delivered-To, X-Original-To): VERP carries our id. */
  reportRecipients: string[];
  /** The MTA's own words about the failure (one line, at most 300 characters). */
  diagnostic: string | null;
  /** The address itself does not exist or cannot receive (not a spam or policy refusal). */
  blamesAddress: boolean;
  format: "rfc3464" | "x-failed-recipients" | TextFormat | "none";
}

const DAEMON_FROM = /mailer-daemon|postmaster|mail delivery|MicrosoftExchange|Microsoft Outlook|Mail Administrator/i;
const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery status notification|delivery (?:failure|failed|delayed|notification)|failure notice|returned mail|mail delivery failed|could not send message|delayed mail|niedostarczon|nondeliverable|non-delivery/i;

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase())).filter(Boolean);
}

function headerValues(mail: ParsedMail, name: string): string[] {
  return mail.headerLines.filter((h) => h.key === name).map((h) => h.line.slice(h.line.indexOf(":") + 1).trim());
}

function bareAddresses(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(","))
    .map((v) => (/<([^>]+)>/.exec(v)?.[1] ?? v).trim().toLowerCase())
    .filter((v) => v.includes("@"));
}

function oneLine(text: string | null): string | null {
  if (!text) return null;
  const line = text.replace(/\s+/g, " ").trim();
  return line ? line.slice(0, 300) : null;
}

/** Message-ID of the returned message: an attached copy, Gmail's header, or headers in the text. */
function returnedMessageId(mail: ParsedMail, copyText: string, dsnText: string): string | null {
  for (const att of mail.attachments) {
    if (!/^(message\/rfc822|text\/rfc822-headers|message\/rfc822-headers)$/i.test(att.contentType)) continue;
    const headers = att.content.toString("utf8");
    const head = headers.split(/\r?\n\r?\n/)[0];
    const id = fieldBlock(head).get("message-id")?.[0];
    if (id) return id;
  }
  const gmail = fieldBlock(dsnText).get("x-original-message-id")?.[0];
  if (gmail) return gmail;
  const inText = /^Message-ID:\s*(<[^>\s]+>)/im.exec(copyText);
  return inText ? inText[1] : null;
}

function kindOf(action: DsnField["action"], status: string | null, text: string): BounceKind | null {
  if (isMailboxFull(text, status)) return "mailbox_full";
  if (action === "delivered" || action === "relayed" || action === "expanded") return "delivered";
  if (action === "delayed") return "temporary";
  if (action === "failed") return "permanent";
  if (status?.startsWith("4")) return "temporary";
  if (status?.startsWith("5")) return "permanent";
  if (soundsTemporary(text)) return "temporary";
  const code = smtpCode(text);
  if (code !== null && code >= 500) return "permanent";
  if (code !== null && code >= 400) return "temporary";
  if (soundsPermanent(text)) return "permanent";
  return null;
}

const blames = (status: string | null, text: string) =>
  (status !== null && /^5\.(1\.\d+|2\.1|4\.4)$/.test(status)) || blamesUnknownAddress(text);

/** Severity when several recipients differ: the one that asks for the most action wins. */
const RANK: Record<BounceKind, number> = {
  not_a_bounce: 0,
  unclassified: 1,
  delivered: 2,
  temporary: 3,
  permanent: 4,
  mailbox_full: 5,
};

export async function classifyBounce(raw: Buffer | string): Promise<BounceReport> {
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true, skipTextToHtml: true });
  const subject = mail.subject ?? "";
  const from = mail.from?.text ?? "";
  const contentType = headerValues(mail, "content-type")[0] ?? "";
  const xFailed = bareAddresses(headerValues(mail, "x-failed-recipients"));
  const reportRecipients = [
    ...addresses(mail.to),
    ...bareAddresses(headerValues(mail, "delivered-to")),
    ...bareAddresses(headerValues(mail, "x-original-to")),
  ].filter((a, i, all) => all.indexOf(a) === i);

  const dsnText = mail.attachments
    .filter((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType))
    .map((a) => a.content.toString("utf8"))
    .join("\n\n");
  const bodyText = (mail.text ?? "") || (mail.html ? mail.html.replace(/<[^>]+>/g, " ") : "");
  const { report, copy } = splitReturnedCopy(bodyText);
  // Some MTAs inline the RFC 3464 fields in the text; flattened reports keep them there too.
  const fields = parseDeliveryStatus(dsnText || report);

  const looksLikeBounce =
    fields.length > 0 ||
    xFailed.length > 0 ||
    /multipart\/report/i.test(contentType) ||
    mail.headers.has("x-ms-exchange-message-is-ndr") ||
    DAEMON_FROM.test(from) ||
    (BOUNCE_SUBJECT.test(subject) && !/^(re|odp|aw|fwd?):/i.test(subject)) ||
    /This is the qmail-send program|This is the mail system at host/i.test(bodyText);
  const messageId = returnedMessageId(mail, copy, dsnText || report);
  const base = { reportRecipients, messageId };
  if (!looksLikeBounce) {
    return {
      ...base,
      kind: "not_a_bounce",
      recipients: [],
      status: null,
      diagnostic: null,
      blamesAddress: false,
      format: "none",
    };
  }

  const textFormat = detectFormat(report, subject);
  if (fields.length > 0) {
    const perRecipient = fields.map((f) => {
      const about = `${f.diagnostic ?? ""}\n${f.recipient ? reasonFor(report, f.recipient) : ""}`;
      const status = f.status ?? textStatus(about);
      const kind = kindOf(f.action, status, about) ?? "unclassified";
      return { f, status, kind, about };
    });
    const worst = perRecipient.reduce((a, b) => (RANK[b.kind] > RANK[a.kind] ? b : a));
    return {
      ...base,
      kind: worst.kind,
      recipients: perRecipient
        .filter((r) => r.kind === worst.kind && r.f.recipient)
        .map((r) => r.f.recipient as string)
        .filter((a, i, all) => all.indexOf(a) === i),
      status: worst.status,
      diagnostic: oneLine(worst.f.diagnostic ?? reasonFor(report, worst.f.recipient ?? "")),
      blamesAddress: worst.kind === "permanent" && blames(worst.status, worst.about),
      format: "rfc3464",
    };
  }

  // No RFC 3464 part: the header Exim adds, then what the MTA wrote.
  const recipients = xFailed.length > 0 ? xFailed : textRecipients(report).filter((a) => !reportRecipients.includes(a));
  const about = recipients.length > 0 ? recipients.map((r) => reasonFor(report, r)).join("\n") : report;
  const status = textStatus(about) ?? textStatus(report);
  // A warning names the delay in words ("THIS IS A WARNING ONLY") even where the reason reads permanent.
  const warning = soundsTemporary(report) && !/permanent (?:fatal )?error/i.test(report);
  const kind =
    (isMailboxFull(about, status) ? "mailbox_full" : null) ??
    (warning ? "temporary" : null) ??
    kindOf(null, status, `${about}\n${report}`) ??
    "unclassified";
  return {
    ...base,
    kind,
    recipients: kind === "unclassified" ? [] : recipients,
    status,
    diagnostic: oneLine(recipients.length > 0 ? about : null),
    blamesAddress: kind === "permanent" && blames(status, about),
    format: xFailed.length > 0 ? "x-failed-recipients" : textFormat,
  };
}

export { enhancedStatus };
