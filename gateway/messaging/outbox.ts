/**
 * The outbox: every outgoing message is a row written in the same transaction as the decision
 * that caused it. Workers (messaging/) claim rows with a lease and deliver at least once; the row
 * id is the idempotency key that travels with the message.
 */
import { randomUUID } from "node:crypto";
import { rawStatement } from "../../db/client.ts";
import type { Clock } from "../clock.ts";
import type { DbOrTx } from "../deps.ts";

export type OutboxKind = "otp" | "notice" | "reminder" | "correspondence" | "heads_up";

/** Codes first, then reminders and notices, then bulk letters. */
export const PRIORITY: Record<OutboxKind, number> = {
  otp: 0,
  heads_up: 1,
  notice: 1,
  reminder: 1,
  correspondence: 2,
};

/** How long a message may keep retrying before it falls back to paper (or is dropped, for codes). */
export const MAX_AGE_MS: Record<OutboxKind, number> = {
  otp: 10 * 60_000,
  heads_up: 3 * 86_400_000,
  notice: 2 * 86_400_000,
  reminder: 2 * 86_400_000,
  correspondence: 5 * 86_400_000,
};

export interface NewMessage {
  /** Idempotency key; generated when absent. A repeated id is ignored (never sent twice). */
  id?: string;
  channel: "email" | "sms";
  kind: OutboxKind;
  recipient: string;
  subject?: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; contentType: string; path: string }>;
  category?: string;
  correspondenceId?: string;
  flatCode?: string;
  maxAgeMs?: number;
}

export function enqueueMessage(tx: DbOrTx, clock: Clock, message: NewMessage): string {
  return enqueueMessages(tx, clock, [message])[0];
}

/**
 * One prepared single-row INSERT, run per message (a raw statement, compiled once per
 * connection). Building drizzle's multi-row INSERT of 200 rows × 16 parameters cost about as much
 * as the workers' whole bookkeeping for the same messages (bench/email.ts); a prepared row is a
 * few microseconds. Columns not named take their schema defaults (attempts 0, no lease).
 */
const INSERT = `INSERT INTO outbox (id, channel, kind, priority, recipient, payload, category, correspondence_id,
  flat_code, status, next_attempt_at, expires_at, created_at, updated_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?11, ?10, ?10)
  ON CONFLICT (id) DO NOTHING`;

/** The batch form (an office push of many letters): all rows in one transaction (the caller's, if any). */
export function enqueueMessages(tx: DbOrTx, clock: Clock, messages: NewMessage[]): string[] {
  const now = clock.now();
  const at = now.toISOString();
  const ids = messages.map((message) => message.id ?? randomUUID());
  const insertAll = (db: DbOrTx) => {
    const insert = rawStatement(db, INSERT);
    messages.forEach((message, i) => {
      const payload = JSON.stringify({
        subject: message.subject,
        text: message.text,
        html: message.html,
        attachments: message.attachments,
      });
      const expiresAt = new Date(now.getTime() + (message.maxAgeMs ?? MAX_AGE_MS[message.kind])).toISOString();
      insert.run(
        ids[i],
        message.channel,
        message.kind,
        PRIORITY[message.kind],
        message.recipient,
        payload,
        message.category ?? null,
        message.correspondenceId ?? null,
        message.flatCode ?? null,
        at,
        expiresAt,
      );
    });
  };
  if (messages.length > 1) tx.transaction(insertAll);
  else insertAll(tx);
  return ids;
}
