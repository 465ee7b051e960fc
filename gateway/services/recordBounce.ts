/**
 * Records one classified bounce and what follows from it, in one transaction:
 * - permanent:    the letter fails (paper fallback); the address is failing when the report blames it
 * - mailbox_full: the letter fails to paper and the resident is told on the other channel
 *                 ("your mailbox is full"); after `email.mailboxFull.bounces` such bounces within
 *                 `email.mailboxFull.days` days the address is marked failing
 * - temporary:    nothing changes (the MTA keeps trying); the bounce is only kept
 * - delivered:    a positive report marks the message delivered
 * - unclassified: kept with its raw text for staff, counted in /healthz
 *
 * The message is found by VERP first (the envelope names it even when the body is unreadable),
 * then by our Message-ID in the returned copy, then by the address among recent emails.
 */
import { createHash, randomUUID } from "node:crypto";
import { and, count, desc, eq, gte, inArray } from "drizzle-orm";
import { bounces, outbox } from "../../db/schema/index.ts";
import type { DbOrTx } from "../deps.ts";
import type { BounceReport } from "../messaging/bounce/classify.ts";
import { outboxIdFromMessageId } from "../messaging/email.ts";
import { enqueueMessage } from "../messaging/outbox.ts";
import { mailboxFullText } from "../messaging/templates/mailboxFull.ts";
import { type RecordDeliveryDeps, recordDelivery } from "./recordDelivery.ts";

/** How far back an address-only match looks for the email the bounce is about. */
const ADDRESS_MATCH_DAYS = 14;
/** Raw text kept for an unclassified bounce. */
const RAW_LIMIT = 64 * 1024;

export interface BounceOutcome {
  /** Our outbox message the bounce is about (null: not ours or not found). */
  outboxId: string | null;
  kind: BounceReport["kind"];
  /** The delivery state changed (false for temporary, repeats and foreign bounces). */
  applied: boolean;
  /** The address was marked failing by this bounce. */
  contactFailing: boolean;
  /** Heads-up messages queued on the resident's other channel. */
  headsUp: string[];
}

/** "bounces+<id>@domain" among the addresses the report was delivered to. */
export function verpOutboxId(reportRecipients: string[], bounceAddress: string | undefined): string | null {
  if (!bounceAddress) return null;
  const at = bounceAddress.lastIndexOf("@");
  const local = bounceAddress.slice(0, at).toLowerCase();
  const domain = bounceAddress.slice(at + 1).toLowerCase();
  for (const address of reportRecipients) {
    const m = /^([^+@]+)\+([^@]+)@(.+)$/.exec(address);
    if (m && m[1].toLowerCase() === local && m[3].toLowerCase() === domain) return m[2];
  }
  return null;
}

function findOutbox(tx: DbOrTx, deps: RecordDeliveryDeps, report: BounceReport) {
  const byVerp = verpOutboxId(report.reportRecipients, deps.config.email.bounceAddress);
  const byMessageId = report.messageId ? outboxIdFromMessageId(report.messageId, deps.config) : null;
  for (const id of [byVerp, byMessageId]) {
    if (!id) continue;
    const row = tx.select().from(outbox).where(eq(outbox.id, id)).get();
    if (row && row.channel === "email") return row;
  }
  if (report.recipients.length !== 1) return null;
  // Neither envelope nor copy names the message: the latest email to that address, if recent.
  const since = new Date(deps.clock.now().getTime() - ADDRESS_MATCH_DAYS * 86_400_000).toISOString();
  return (
    tx
      .select()
      .from(outbox)
      .where(
        and(
          eq(outbox.channel, "email"),
          eq(outbox.recipient, report.recipients[0]),
          gte(outbox.createdAt, since),
          inArray(outbox.status, ["sent", "delivered", "failed", "paper"]),
        ),
      )
      .orderBy(desc(outbox.createdAt))
      .get() ?? null
  );
}

function mailboxFullBounces(tx: DbOrTx, deps: RecordDeliveryDeps, recipient: string): number {
  const since = new Date(deps.clock.now().getTime() - deps.config.email.mailboxFull.days * 86_400_000).toISOString();
  return (
    tx
      .select({ n: count() })
      .from(bounces)
      .where(and(eq(bounces.recipient, recipient), eq(bounces.kind, "mailbox_full"), gte(bounces.receivedAt, since)))
      .get()?.n ?? 0
  );
}

/** Tell the resident on SMS that the mailbox is full: at most once a week per address. */
function headsUpMailboxFull(tx: DbOrTx, deps: RecordDeliveryDeps, email: string): string[] {
  const week = Math.floor(deps.clock.now().getTime() / (7 * 86_400_000));
  const key = createHash("sha256").update(email).digest("hex").slice(0, 16);
  const flats = [...deps.register.allStates().values()].filter(
    (s) => s.email === email && s.channels.email.consented && s.channels.sms.consented && s.mobile,
  );
  return flats.map((flat) =>
    enqueueMessage(tx, deps.clock, {
      id: `mailbox-full-${key}-${week}-${flat.flatCode}`,
      channel: "sms",
      kind: "heads_up",
      recipient: flat.mobile as string,
      text: mailboxFullText(email, deps.config),
      flatCode: flat.flatCode,
    }),
  );
}

export function recordBounce(deps: RecordDeliveryDeps, report: BounceReport, raw: string): BounceOutcome {
  const outcome: BounceOutcome = {
    outboxId: null,
    kind: report.kind,
    applied: false,
    contactFailing: false,
    headsUp: [],
  };
  if (report.kind === "not_a_bounce") return outcome;
  const result = deps.db.transaction((tx) => {
    const row = findOutbox(tx, deps, report);
    outcome.outboxId = row?.id ?? null;
    const recipient = row?.recipient ?? report.recipients[0] ?? null;
    const now = deps.clock.now().toISOString();
    tx.insert(bounces)
      .values({
        id: randomUUID(),
        receivedAt: now,
        kind: report.kind as Exclude<BounceReport["kind"], "not_a_bounce">,
        outboxId: row?.id ?? null,
        recipient,
        status: report.status,
        diagnostic: report.diagnostic,
        format: report.format,
        raw: report.kind === "unclassified" ? raw.slice(0, RAW_LIMIT) : null,
      })
      .run();
    if (!row || !recipient) return outcome;
    const reason =
      `bounce ${report.kind}${report.status ? ` ${report.status}` : ""}${report.diagnostic ? `: ${report.diagnostic}` : ""}`.slice(
        0,
        300,
      );
    const txDeps = { ...deps, db: tx, poke: undefined };
    if (report.kind === "permanent") {
      const change = recordDelivery(txDeps, {
        messageId: row.id,
        status: "failed",
        reason,
        contactFailing: report.blamesAddress,
      });
      outcome.applied = change.recorded;
      outcome.contactFailing = report.blamesAddress && change.recorded;
      outcome.headsUp.push(...change.headsUp);
    } else if (report.kind === "mailbox_full") {
      const { bounces: limit } = deps.config.email.mailboxFull;
      const failing = mailboxFullBounces(tx, deps, recipient) >= limit;
      const change = recordDelivery(txDeps, { messageId: row.id, status: "failed", reason, contactFailing: failing });
      outcome.applied = change.recorded;
      outcome.contactFailing = failing && change.recorded;
      // A failing address already warns the resident (the heads-up of recordDelivery).
      outcome.headsUp.push(...(change.headsUp.length > 0 ? change.headsUp : headsUpMailboxFull(tx, deps, recipient)));
    } else if (report.kind === "delivered") {
      outcome.applied = recordDelivery(txDeps, { messageId: row.id, status: "delivered", reason }).recorded;
    }
    return outcome;
  });
  if (result.headsUp.length > 0) deps.poke?.();
  if (result.kind !== "temporary") {
    deps.logger.info(
      { kind: result.kind, outboxId: result.outboxId, status: report.status, applied: result.applied },
      "bounce recorded",
    );
  }
  return result;
}
