/**
 * What an SMTP client error means for the message: retry later, or give up (and whether the
 * address itself is at fault). RFC 5321 reply codes, RFC 3463 enhanced status codes.
 */
import type { SendResult } from "./types.ts";

export interface SmtpErrorLike {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Enhanced status "5.1.1" from a reply like "550 5.1.1 <x@y>: user unknown". */
export function enhancedStatus(response: string | undefined): string | null {
  const m = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response ?? "");
  return m ? m[1] : null;
}

/**
 * Does a permanent failure blame the address? Addressing (x.1.x) and mailbox (x.2.x) problems
 * do; policy/security (x.7.x) and system (x.3.x) problems do not: the office must look.
 * Without an enhanced code: 550 (no such user), 551, 552 (mailbox full), 553 (bad address).
 */
export function blamesAddress(code: number, enhanced: string | null): boolean {
  if (enhanced) return /^5\.[12]\./.test(enhanced);
  return code === 550 || code === 551 || code === 552 || code === 553;
}

/** Short, log-safe reason: "550 5.1.1 …" or the client's error code. */
function reasonOf(err: SmtpErrorLike): string {
  const text = (err.response ?? err.message ?? "").replace(/\s+/g, " ").trim().slice(0, 200);
  return err.responseCode ? text : `${err.code ?? "ERROR"}: ${text}`;
}

export function classifySmtpError(err: SmtpErrorLike): SendResult {
  const code = err.responseCode;
  const reason = reasonOf(err);
  // 4xx (421 closing, 450 mailbox busy, 451 local error, 452 mailbox full/storage), 503 bad
  // sequence, dropped connections and timeouts: the same message can succeed later.
  if (!code || code < 500 || code === 503) return { outcome: "retry", reason };
  // Our own account (535 auth) is not the resident's fault; keep retrying while health turns red.
  if (err.code === "EAUTH" || err.command === "AUTH PLAIN" || err.command === "AUTH LOGIN") {
    return { outcome: "retry", reason };
  }
  return { outcome: "failed", reason, contactFailing: blamesAddress(code, enhancedStatus(err.response)) };
}
