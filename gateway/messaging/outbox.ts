/**
 * The outbox: every outgoing message is a row written in the same transaction as the decision
 * that caused it. Workers (messaging/) claim rows with a lease and deliver at least once; the row
 * id is the idempotency key that travels with the message.
 */
import { randomUUID } from "node:crypto";
import { outbox } from "../../db/schema/index.ts";
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

/** Rows per INSERT statement (16 columns each, well under SQLite's variable limit). */
const CHUNK = 200;

/** The batch form (an office push of many letters): one multi-row INSERT per chunk. */
export function enqueueMessages(tx: DbOrTx, clock: Clock, messages: NewMessage[]): string[] {
  const now = clock.now();
  const rows = messages.map((message) => toRow(message, now));
  for (let i = 0; i < rows.length; i += CHUNK) {
    tx.insert(outbox)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoNothing({ target: outbox.id })
      .run();
  }
  return rows.map((r) => r.id);
}

function toRow(message: NewMessage, now: Date): typeof outbox.$inferInsert & { id: string } {
  const id = message.id ?? randomUUID();
  const payload = JSON.stringify({
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: message.attachments,
  });
  return {
    id,
    channel: message.channel,
    kind: message.kind,
    priority: PRIORITY[message.kind],
    recipient: message.recipient,
    payload,
    category: message.category ?? null,
    correspondenceId: message.correspondenceId ?? null,
    flatCode: message.flatCode ?? null,
    status: "pending",
    nextAttemptAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (message.maxAgeMs ?? MAX_AGE_MS[message.kind])).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}
