/**
 * Delivery status notifications (RFC 3464): a multipart/report with a human part, a
 * message/delivery-status part (per-recipient Action / Status / Diagnostic-Code) and the
 * original message or its headers (which carry our Message-ID). Pure parsing, no I/O.
 */

export interface DsnRecipient {
  finalRecipient: string | null;
  /** failed | delayed | delivered | relayed | expanded */
  action: string;
  /** Enhanced status, e.g. "5.1.1". */
  status: string;
  diagnostic: string | null;
}

export interface ParsedDsn {
  /** Message-ID of the message the report is about (from the returned headers). */
  originalMessageId: string | null;
  /** Addresses the report was delivered to (To, Delivered-To, X-Original-To): VERP carries the id. */
  reportRecipients: string[];
  recipients: DsnRecipient[];
}

type Headers = Map<string, string[]>;

interface Part {
  headers: Headers;
  body: string;
}

/** Unfolds and splits a header block; names lower-cased, repeated headers kept in order. */
export function parseHeaders(block: string): Headers {
  const headers: Headers = new Map();
  const unfolded = block.replace(/\r\n/g, "\n").replace(/\n[ \t]+/g, " ");
  for (const line of unfolded.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  return headers;
}

function splitHead(text: string): Part {
  const normalized = text.replace(/\r\n/g, "\n");
  const end = normalized.indexOf("\n\n");
  const head = end < 0 ? normalized : normalized.slice(0, end);
  return { headers: parseHeaders(head), body: end < 0 ? "" : normalized.slice(end + 2) };
}

const first = (h: Headers, name: string) => h.get(name)?.[0] ?? null;

function param(value: string | null, name: string): string | null {
  if (!value) return null;
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(value);
  return m ? (m[1] ?? m[2]) : null;
}

function decodeBody(part: Part): string {
  const encoding = (first(part.headers, "content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    return part.body
      .replace(/=\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return part.body;
}

function multipartParts(part: Part): Part[] {
  const boundary = param(first(part.headers, "content-type"), "boundary");
  if (!boundary) return [];
  const delimiter = `--${boundary}`;
  const sections = part.body.split(
    new RegExp(`^${delimiter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:--)?[ \\t]*$`, "m"),
  );
  // sections[0] is the preamble, the last one the epilogue
  return sections.slice(1, -1).map((s) => splitHead(s.replace(/^\n/, "")));
}

const typeOf = (part: Part) => (first(part.headers, "content-type") ?? "text/plain").split(";")[0].trim().toLowerCase();

/** "rfc822; jan@example.com" → "jan@example.com" */
const typedAddress = (value: string | null) => (value ? value.replace(/^[^;]*;\s*/, "").trim() : null);

function parseStatusFields(body: string): DsnRecipient[] {
  // Per-message fields, then one block per recipient, separated by blank lines.
  const blocks = body
    .replace(/\r\n/g, "\n")
    .split(/\n\s*\n/)
    .map(parseHeaders);
  return blocks
    .filter((h) => h.has("action") && h.has("status"))
    .map((h) => ({
      finalRecipient: typedAddress(first(h, "final-recipient")),
      action: (first(h, "action") ?? "").toLowerCase(),
      status: (first(h, "status") ?? "").split(/\s/)[0],
      diagnostic: first(h, "diagnostic-code"),
    }));
}

/** Parses a raw message; null when it is not a delivery status report. */
export function parseDsn(raw: string | Buffer): ParsedDsn | null {
  const top = splitHead(typeof raw === "string" ? raw : raw.toString("latin1"));
  const contentType = first(top.headers, "content-type") ?? "";
  if (!/^multipart\/report/i.test(contentType)) return null;
  if ((param(contentType, "report-type") ?? "").toLowerCase() !== "delivery-status") return null;
  const parts = multipartParts(top);
  const status = parts.find((p) => typeOf(p) === "message/delivery-status");
  if (!status) return null;
  const returned = parts.find((p) => ["message/rfc822", "text/rfc822-headers"].includes(typeOf(p)));
  const original = returned ? splitHead(decodeBody(returned)).headers : null;
  const reportRecipients = ["to", "delivered-to", "x-original-to"]
    .flatMap((name) => top.headers.get(name) ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => (/<([^>]+)>/.exec(v)?.[1] ?? v).trim())
    .filter(Boolean);
  return {
    originalMessageId: original ? first(original, "message-id") : null,
    reportRecipients,
    recipients: parseStatusFields(decodeBody(status)),
  };
}

export type DsnVerdict =
  | { status: "failed"; contactFailing: boolean; reason: string }
  | { status: "delivered"; reason: string }
  | null;

/**
 * What a report means for our message. "delayed" changes nothing (the MTA keeps trying);
 * "failed" with an addressing (x.1.x) or mailbox (x.2.x) status blames the address.
 */
export function dsnVerdict(dsn: ParsedDsn): DsnVerdict {
  const failed = dsn.recipients.find((r) => r.action === "failed");
  if (failed) {
    const reason = `DSN ${failed.status}${failed.diagnostic ? ` ${failed.diagnostic}` : ""}`.slice(0, 200);
    return { status: "failed", contactFailing: /^[45]\.[12]\./.test(failed.status), reason };
  }
  const delivered = dsn.recipients.find((r) => ["delivered", "relayed", "expanded"].includes(r.action));
  if (delivered) return { status: "delivered", reason: `DSN ${delivered.action} ${delivered.status}` };
  return null;
}
