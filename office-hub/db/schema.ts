/**
 * The hub's tables on PostgreSQL. Every kiosk keeps its own hash chain; the hub stores each
 * kiosk's events as they are (canonical payload text, so hashes can be checked again) and gives
 * each accepted event and delivery change a per-cooperative sequence number under the
 * cooperative's row lock, so the office's cursor never skips a row that commits later. Register
 * events are stored in parallel transactions, each batch with one unnumbered `feed_ranges` row;
 * the sequencer numbers committed ranges afterwards (a range of n events takes n numbers), so
 * the events themselves are written once.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const GENESIS = "0".repeat(64);

export const cooperatives = pgTable("cooperatives", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Last coop_seq given to a register event / delivery change of this cooperative. */
  eventSeq: bigint("event_seq", { mode: "number" }).notNull().default(0),
  deliverySeq: bigint("delivery_seq", { mode: "number" }).notNull().default(0),
  /**
   * Drawn anew whenever a flat moves from one kiosk to another, so a hub process may keep in memory
   * which flats each kiosk holds while this is unchanged (services/flatHolders.ts). Random, so a
   * database rebuilt from the kiosks never repeats an old value.
   */
  holdersToken: uuid("holders_token").notNull().defaultRandom(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const kiosks = pgTable("kiosks", {
  id: text("id").primaryKey(),
  cooperativeId: text("cooperative_id")
    .notNull()
    .references(() => cooperatives.id),
  /** The kiosk's cursors: the last event of its chain the hub holds, and that event's hash. */
  headSeq: bigint("head_seq", { mode: "number" }).notNull().default(0),
  headHash: text("head_hash").notNull().default(GENESIS),
  deliveriesSeq: bigint("deliveries_seq", { mode: "number" }).notNull().default(0),
  keysDigest: text("keys_digest"),
  lastPushAt: timestamp("last_push_at", { withTimezone: true, mode: "string" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** HMAC keys: a kiosk's push key (kiosk_id set) or an office key of a cooperative (kiosk_id null). */
export const hubKeys = pgTable("hub_keys", {
  keyId: text("key_id").primaryKey(),
  secret: text("secret").notNull(),
  cooperativeId: text("cooperative_id")
    .notNull()
    .references(() => cooperatives.id),
  kioskId: text("kiosk_id").references(() => kiosks.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

export const pushNonces = pgTable(
  "push_nonces",
  {
    keyId: text("key_id").notNull(),
    nonce: text("nonce").notNull(),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.nonce] }), index("push_nonces_seen_at").on(t.seenAt)],
);

export const kioskPublicKeys = pgTable(
  "kiosk_public_keys",
  {
    kioskId: text("kiosk_id")
      .notNull()
      .references(() => kiosks.id),
    kid: text("kid").notNull(),
    jwk: jsonb("jwk").notNull(),
    createdAt: text("created_at"),
    retiredAt: text("retired_at"),
  },
  (t) => [primaryKey({ columns: [t.kioskId, t.kid] })],
);

export const registerEvents = pgTable(
  "register_events",
  {
    cooperativeId: text("cooperative_id").notNull(),
    kioskId: text("kiosk_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    type: text("type").notNull(),
    flatCode: text("flat_code").notNull(),
    ownerId: text("owner_id"),
    /** Canonical JSON (RFC 8785) exactly as hashed by the kiosk. */
    payload: text("payload").notNull(),
    occurredAt: text("occurred_at").notNull(),
    /** When the resident applied (the form's date, else occurredAt): "the later application wins". */
    appliedAt: text("applied_at").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    /** Set when this application replaced another kiosk's, or arrived after a later one. */
    conflict: jsonb("conflict"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kioskId, t.seq] }), index("register_events_flat").on(t.cooperativeId, t.flatCode)],
);

/**
 * One stored batch of a kiosk's events (seq firstSeq..lastSeq, always contiguous) and its place
 * in the cooperative's feed: feed numbers coopFirst..coopLast, event seq s at coopFirst + (s -
 * firstSeq). Null until the sequencer (services/sequenceEvents.ts) numbers the committed range;
 * the feed serves numbered ranges only.
 */
export const feedRanges = pgTable(
  "feed_ranges",
  {
    cooperativeId: text("cooperative_id").notNull(),
    kioskId: text("kiosk_id").notNull(),
    firstSeq: bigint("first_seq", { mode: "number" }).notNull(),
    lastSeq: bigint("last_seq", { mode: "number" }).notNull(),
    /** Storage order (a sequence, not the clock), drawn after the flat locks: the feed's order. */
    arrival: bigint("arrival", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    coopFirst: bigint("coop_first", { mode: "number" }),
    coopLast: bigint("coop_last", { mode: "number" }),
  },
  (t) => [
    primaryKey({ columns: [t.kioskId, t.firstSeq] }),
    uniqueIndex("feed_ranges_coop_last").on(t.cooperativeId, t.coopLast),
    index("feed_ranges_unnumbered").on(t.cooperativeId, t.arrival).where(sql`${t.coopFirst} IS NULL`),
  ],
);

/**
 * Per flat, the kiosk whose latest application is the latest: its state is the flat's state.
 * Written only when a flat gets its first application or changes hands; that kiosk's latest
 * application is read from its events when another kiosk's application has to be weighed.
 * Whatever moves or deletes a row here must also draw a new `cooperatives.holders_token`: hub
 * processes trust what they remember about a kiosk's flats while the token is unchanged.
 */
export const flatWinners = pgTable(
  "flat_winners",
  {
    cooperativeId: text("cooperative_id").notNull(),
    flatCode: text("flat_code").notNull(),
    kioskId: text("kiosk_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cooperativeId, t.flatCode] })],
);

export const deliveries = pgTable(
  "deliveries",
  {
    cooperativeId: text("cooperative_id").notNull(),
    coopSeq: bigint("coop_seq", { mode: "number" }).notNull(),
    kioskId: text("kiosk_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    messageId: text("message_id").notNull(),
    correspondenceId: text("correspondence_id"),
    channel: text("channel").notNull(),
    status: text("status").notNull(),
    reason: text("reason"),
    at: text("at").notNull(),
    /** A paper change's letter as the kiosk sent it: flat, address, owners' names, category, subject, generated_at. Served only on the signed office paper list. */
    letter: jsonb("letter"),
  },
  (t) => [
    primaryKey({ columns: [t.kioskId, t.seq] }),
    uniqueIndex("deliveries_coop_seq").on(t.cooperativeId, t.coopSeq),
    index("deliveries_paper").on(t.cooperativeId, t.status, t.at),
  ],
);

/** Every refused chain break, named: which kiosk, which event, what the hub expected and found. */
export const chainBreaks = pgTable(
  "chain_breaks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    kioskId: text("kiosk_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    kind: text("kind").notNull(),
    expected: text("expected").notNull(),
    found: text("found").notNull(),
    firstAt: timestamp("first_at", { withTimezone: true, mode: "string" }).notNull().default(sql`now()`),
    lastAt: timestamp("last_at", { withTimezone: true, mode: "string" }).notNull().default(sql`now()`),
    attempts: integer("attempts").notNull().default(1),
  },
  (t) => [uniqueIndex("chain_breaks_once").on(t.kioskId, t.seq, t.kind, t.found)],
);
