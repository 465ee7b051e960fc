/**
 * Takes a batch of correspondence from the office: decides each item's channels (consent as of
 * `generated_at`, narrowed by what the resident has withdrawn since), queues email/SMS in the
 * same transaction, records paper items, and stores the answer. Idempotent by item id: a repeat
 * returns the stored first answer and queues nothing.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { correspondence, deliveries, flats, registerEvents } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import type { ElectronicChannel } from "../domain/categories.ts";
import { consentAsOf, effectiveConsent, type FlatConsent } from "../domain/consentState.ts";
import { officeDateInstant, parseOfficeDate } from "../domain/officeDate.ts";
import { type RoutingPolicy, routeCorrespondence as route } from "../domain/routing.ts";
import { enqueueMessages, type NewMessage } from "../messaging/outbox.ts";
import {
  type BatchAnswer,
  CorrespondenceItem,
  FIELD_REJECTION,
  ITEM_REJECTIONS,
  type ItemAnswer,
  type ItemRejection,
} from "../office/contract/correspondence.ts";
import { type ConsentRegister, rowToEvent } from "./register.ts";

export type { BatchAnswer, CorrespondenceItem, ItemAnswer };

export function policyOf(config: CoreDeps["config"]): RoutingPolicy {
  return {
    electronicStartDate: config.rules.electronicStartDate,
    paymentDemandsOnPaper: config.rules.paymentDemandsOnPaper,
    categoryChannels: config.rules.categoryChannels as RoutingPolicy["categoryChannels"],
    timezone: config.timezone,
  };
}

function reject(id: string, code: ItemRejection, message: string): ItemAnswer {
  return { id, status: "rejected", error: { code, message } };
}

/** The name shown to the resident; never used as a path. */
function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "");
  return cleaned.slice(0, 80) || "attachment.pdf";
}

type Prepared = {
  item: CorrespondenceItem;
  /** `generated_at` as a UTC instant (a date alone: the start of that local day). */
  generatedAt: string;
  files: Array<{ filename: string; bytes: Buffer }>;
};

interface CheckRules {
  maxBytes: number;
  knownFlats: Set<string>;
  timezone: string;
  /** The latest `generated_at` accepted: now plus the allowed clock skew. */
  latest: number;
}

/** One item against its schema, then against the register and the clock; a bad item answers alone. */
function check(raw: unknown, rules: CheckRules): Prepared | ItemAnswer {
  const sentId =
    raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string"
      ? (raw as { id: string }).id
      : "";
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    return reject(sentId, "bad_item", ITEM_REJECTIONS.bad_item);
  const parsed = CorrespondenceItem.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "") as keyof typeof FIELD_REJECTION;
    const code = FIELD_REJECTION[field] ?? "bad_item";
    return reject(sentId, code, `${issue.path.join(".") || "item"}: ${issue.message}`);
  }
  const item = parsed.data;
  if (!rules.knownFlats.has(item.flat))
    return reject(item.id, "unknown_flat", `flat ${item.flat} is not in the owners register`);
  const generated = officeDateInstant(parseOfficeDate(item.generated_at)!, rules.timezone, "start");
  if (generated > rules.latest)
    return reject(item.id, "generated_at_in_future", `generated_at ${item.generated_at} is in the future`);
  const files: Prepared["files"] = [];
  for (const [n, a] of (item.attachments ?? []).entries()) {
    if ((a.content_base64.length * 3) / 4 > rules.maxBytes + 4)
      return reject(item.id, "attachment_too_large", `attachments.${n}: larger than ${rules.maxBytes} bytes`);
    const bytes = Buffer.from(a.content_base64, "base64");
    if (bytes.length > rules.maxBytes)
      return reject(item.id, "attachment_too_large", `attachments.${n}: larger than ${rules.maxBytes} bytes`);
    if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-")
      return reject(item.id, "attachment_not_pdf", `attachments.${n}: only PDF files are accepted`);
    files.push({ filename: safeName(a.filename), bytes });
  }
  return { item, generatedAt: new Date(generated).toISOString(), files };
}

export function routeCorrespondence(
  deps: CoreDeps & { register: ConsentRegister },
  input: { items: readonly unknown[] },
): BatchAnswer {
  const { db, clock, config } = deps;
  const sentIds = input.items.map((i) => (i && typeof i === "object" ? (i as { id?: unknown }).id : undefined));
  const ids = sentIds.filter((id): id is string => typeof id === "string");
  const known = new Map<string, ItemAnswer>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of db
      .select({ id: correspondence.id, decision: correspondence.decision })
      .from(correspondence)
      .where(inArray(correspondence.id, ids.slice(i, i + 500)))
      .all()) {
      known.set(row.id, JSON.parse(row.decision));
    }
  }
  const knownFlats = new Set(
    db
      .select({ code: flats.code })
      .from(flats)
      .all()
      .map((f) => f.code),
  );
  const policy = policyOf(config);
  const now = clock.now().toISOString();
  // Each slot is either answered now (repeat, invalid) or waits for the id's decision below.
  const slots: Array<ItemAnswer | { pending: string }> = [];
  const repeated: string[] = [];
  const fresh: Prepared[] = [];
  const seen = new Set<string>();
  const rules: CheckRules = {
    maxBytes: config.office.maxAttachmentBytes,
    knownFlats,
    timezone: config.timezone,
    latest: clock.now().getTime() + config.office.maxFutureSkewSeconds * 1000,
  };
  for (const [index, raw] of input.items.entries()) {
    const sentId = sentIds[index];
    const stored = typeof sentId === "string" ? known.get(sentId) : undefined;
    if (stored) {
      slots.push(stored);
      repeated.push(sentId as string);
      continue;
    }
    const checked = check(raw, rules);
    if (!("item" in checked)) {
      slots.push(checked);
      continue;
    }
    const { item } = checked;
    if (seen.has(item.id)) repeated.push(item.id);
    else fresh.push(checked);
    seen.add(item.id);
    slots.push({ pending: item.id });
  }

  const decided = new Map<string, ItemAnswer>();
  const attachmentPaths = new Map<string, Array<{ filename: string; contentType: string; path: string }>>();
  for (const { item, files } of fresh) {
    if (files.length === 0) continue;
    attachmentPaths.set(
      item.id,
      files.map((f) => ({
        filename: f.filename,
        contentType: "application/pdf",
        path: storeAttachment(config.dataDir, f.bytes),
      })),
    );
  }

  const statements = prepare(db);
  const queue: NewMessage[] = [];
  db.transaction(() => {
    const eventsByFlat = new Map<string, ReturnType<ConsentRegister["flatEvents"]>>();
    for (const { item, generatedAt } of fresh) {
      let events = eventsByFlat.get(item.flat);
      if (!events) {
        events = statements.flatEvents.all({ flat: item.flat }).map(rowToEvent);
        eventsByFlat.set(item.flat, events);
      }
      const asOf = consentAsOf(item.flat, events, generatedAt, config.rules.graceDays);
      const current = consentAsOf(item.flat, events, null, config.rules.graceDays);
      const consent = effectiveConsent(asOf, current);
      const answer = decide(
        statements,
        queue,
        { item, generatedAt },
        consent,
        policy,
        attachmentPaths.get(item.id) ?? [],
        now,
      );
      decided.set(item.id, answer);
    }
    // One multi-row insert per chunk: the outbox rows commit with the decisions.
    enqueueMessages(db, deps.clock, queue);
  });

  const items = slots.map((slot) => ("pending" in slot ? decided.get(slot.pending)! : slot));
  deps.logger.info(
    { items: items.length, fresh: fresh.length, repeated: repeated.length },
    "office correspondence batch routed",
  );
  return { items, repeated };
}

/**
 * Attachments are stored by the SHA-256 of their bytes: two different PDFs can never share a
 * file, whatever their items' ids, and the same PDF sent twice is stored once.
 */
function storeAttachment(dataDir: string, bytes: Buffer): string {
  const dir = join(dataDir, "correspondence");
  const path = join(dir, `${createHash("sha256").update(bytes).digest("hex")}.pdf`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, bytes, { mode: 0o600 });
  renameSync(partial, path);
  return path;
}

/** Prepared once per batch: building drizzle queries per row costs more than running them. */
function prepare(db: CoreDeps["db"]) {
  const p = (name: string) => sql.placeholder(name);
  return {
    flatEvents: db
      .select()
      .from(registerEvents)
      .where(eq(registerEvents.flatCode, sql.placeholder("flat")))
      .orderBy(asc(registerEvents.seq))
      .prepare(),
    delivery: db
      .insert(deliveries)
      .values({
        messageId: p("messageId"),
        correspondenceId: p("correspondenceId"),
        channel: p("channel"),
        status: p("status"),
        reason: p("reason"),
        at: p("at"),
      })
      .prepare(),
    letter: db
      .insert(correspondence)
      .values({
        id: p("id"),
        flatCode: p("flatCode"),
        category: p("category"),
        generatedAt: p("generatedAt"),
        subject: p("subject"),
        text: p("text"),
        attachments: p("attachments"),
        decision: p("decision"),
        receivedAt: p("receivedAt"),
      })
      .prepare(),
  };
}

function decide(
  statements: ReturnType<typeof prepare>,
  queue: NewMessage[],
  { item, generatedAt }: { item: CorrespondenceItem; generatedAt: string },
  consent: FlatConsent,
  policy: RoutingPolicy,
  attachments: Array<{ filename: string; contentType: string; path: string }>,
  now: string,
): ItemAnswer {
  const result = route({ category: item.category, generatedAt }, consent, policy);
  const messages: Array<{ channel: ElectronicChannel; message_id: string }> = [];
  for (const channel of result.channels) {
    if (channel === "paper") continue;
    const recipient = channel === "email" ? consent.email : consent.mobile;
    if (!recipient) continue;
    const messageId = `corr:${item.id}:${channel}`;
    queue.push({
      id: messageId,
      channel,
      kind: item.category === "payment_reminder" ? "reminder" : "correspondence",
      recipient,
      subject: item.subject,
      text: channel === "sms" ? (item.sms_text ?? item.text) : item.text,
      attachments: channel === "email" && attachments.length > 0 ? attachments : undefined,
      category: item.category,
      correspondenceId: item.id,
      flatCode: item.flat,
    });
    messages.push({ channel, message_id: messageId });
    statements.delivery.run({ messageId, correspondenceId: item.id, channel, status: "queued", reason: null, at: now });
  }
  const paperDecision = result.decisions.find((d) => d.channel === "paper");
  const paper = result.channels.includes("paper");
  if (paper) {
    statements.delivery.run({
      messageId: `corr:${item.id}:paper`,
      correspondenceId: item.id,
      channel: "paper",
      status: "paper",
      reason: paperDecision?.reason ?? null,
      at: now,
    });
  }
  const answer: ItemAnswer = {
    id: item.id,
    status: "accepted",
    flat: item.flat,
    channels: result.channels,
    decisions: result.decisions,
    messages,
    paper,
    paper_reason: paper ? (paperDecision?.reason ?? null) : null,
    notify_office: result.notifyOffice,
    failing_channels: result.failingChannels,
    received_at: now,
  };
  statements.letter.run({
    id: item.id,
    flatCode: item.flat,
    category: item.category,
    generatedAt: item.generated_at,
    subject: item.subject,
    text: item.text,
    attachments: JSON.stringify(
      attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, path: a.path })),
    ),
    decision: JSON.stringify(answer),
    receivedAt: now,
  });
  return answer;
}
