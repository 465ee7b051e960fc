/**
 * RFC 3464 per-recipient fields, read tolerantly: the delivery-status part of a report, or
 * the same fields found in a text body (some MTAs inline them, some forwarders flatten the
 * MIME). Real-world variants handled: an Action with a comment ("failed (bad destination
 * mailbox address)"), the non-standard "failure", a Status missing or "5.0.0" with the real
 * code in the Diagnostic-Code, an Original-Recipient that differs from the Final-Recipient.
 */

export type DsnAction = "failed" | "delayed" | "delivered" | "relayed" | "expanded";

export interface DsnField {
  /** The address we sent to: Original-Recipient when present, else Final-Recipient. */
  recipient: string | null;
  finalRecipient: string | null;
  action: DsnAction | null;
  /** Enhanced status, e.g. "5.1.1" (the more specific of Status and Diagnostic-Code). */
  status: string | null;
  diagnostic: string | null;
}

const ACTIONS: Record<string, DsnAction> = {
  failed: "failed",
  failure: "failed",
  fail: "failed",
  delayed: "delayed",
  delay: "delayed",
  delivered: "delivered",
  relayed: "relayed",
  expanded: "expanded",
};

/** Unfolds header-style lines into name → values (names lower-cased). */
export function fieldBlock(block: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const unfolded = block.replace(/\r\n?/g, "\n").replace(/\n[ \t]+/g, " ");
  for (const line of unfolded.split("\n")) {
    const m = /^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1].toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), m[2].trim()]);
  }
  return fields;
}

const STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

/** "5.1.1 (bad destination)" → "5.1.1"; null when none. */
export function enhancedStatus(text: string | null | undefined): string | null {
  const m = text ? STATUS.exec(text) : null;
  return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

/** "rfc822; jan@example.com" or "<jan@example.com>" → "jan@example.com". */
export function typedAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const bare = value
    .replace(/^[^;]*;\s*/, "")
    .replace(/[<>]/g, "")
    .trim();
  return /^[^\s@]+@[^\s@]+$/.test(bare) ? bare.toLowerCase() : null;
}

const first = (f: Map<string, string[]>, name: string) => f.get(name)?.[0] ?? null;

/** The more specific status: "5.0.0" with a diagnostic "550 5.1.1 …" means 5.1.1. */
function pickStatus(status: string | null, diagnostic: string | null): string | null {
  const own = enhancedStatus(status);
  const fromDiagnostic = enhancedStatus(diagnostic);
  if (own && !/\.0\.0$/.test(own)) return own;
  return fromDiagnostic ?? own;
}

/** Every per-recipient block (one that has Action or a recipient plus Status) in the text. */
export function parseDeliveryStatus(text: string): DsnField[] {
  const blocks = text.replace(/\r\n?/g, "\n").split(/\n[ \t]*\n/);
  const out: DsnField[] = [];
  for (const block of blocks) {
    const f = fieldBlock(block);
    const actionWord =
      first(f, "action")
        ?.toLowerCase()
        .split(/[\s(;]/)[0] ?? null;
    const hasRecipient = f.has("final-recipient") || f.has("original-recipient");
    if (!actionWord && !(hasRecipient && f.has("status"))) continue;
    if (!hasRecipient && !f.has("status")) continue;
    const finalRecipient = typedAddress(first(f, "final-recipient"));
    const original = typedAddress(first(f, "original-recipient"));
    const diagnostic = first(f, "diagnostic-code");
    const status = pickStatus(first(f, "status"), diagnostic);
    let action = actionWord ? (ACTIONS[actionWord] ?? null) : null;
    if (!action && status)
      action = status.startsWith("5") ? "failed" : status.startsWith("4") ? "delayed" : "delivered";
    out.push({ recipient: original ?? finalRecipient, finalRecipient, action, status, diagnostic });
  }
  return out;
}
