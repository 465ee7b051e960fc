/**
 * The consent register store: append (inside the caller's transaction), chain verification,
 * operator acknowledgement of a break, and derived state now or as of a date.
 */
import { asc, desc, eq, gt } from "drizzle-orm";
import { rawStatement } from "../../db/client.ts";
import { registerAcknowledgements, registerEvents } from "../../db/schema/index.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import {
  applyEventToOwn,
  consentAsOf,
  copyConsent,
  deriveAll,
  emptyConsent,
  type FlatConsent,
} from "../domain/consentState.ts";
import {
  type ChainBreak,
  type ConsentEvent,
  type ConsentEventBody,
  canonicalJson,
  effectiveAt,
  GENESIS_HASH,
  hashWithCanonicalPayload,
  verifyChain,
} from "../domain/registerEvents.ts";
import { KioskError } from "../errors.ts";

export type RegisterHealth =
  | { ok: true; events: number; headSeq: number; acknowledgedBreaks: number }
  | ({ ok: false; events: number } & ChainBreak);

type Row = typeof registerEvents.$inferSelect;

export function rowToEvent(row: Row): ConsentEvent {
  return {
    seq: row.seq,
    type: row.type,
    flatCode: row.flatCode,
    ownerId: row.ownerId,
    payload: JSON.parse(row.payload),
    occurredAt: row.occurredAt,
    prevHash: row.prevHash,
    hash: row.hash,
  } as ConsentEvent;
}

/** Every flat's current consent, folded through the event `seq` whose hash is `hash`. */
interface Derived {
  seq: number;
  hash: string;
  /** The latest effective instant folded (ms): a later event that takes effect earlier means a refold. */
  at: number;
  states: Map<string, FlatConsent>;
}

/**
 * Appended events kept for the next fold are capped: past this, the fold reads them back from the
 * table instead (a bulk import nobody derives in between should not grow memory without bound).
 */
const MAX_PENDING = 200_000;

const SELECT_EVENTS =
  "SELECT seq, type, flat_code AS flatCode, owner_id AS ownerId, payload, occurred_at AS occurredAt, prev_hash AS prevHash, hash FROM register_events";

/** Holds the verified chain status; writes are refused while the chain is broken. */
export class ConsentRegister {
  private health: RegisterHealth = { ok: true, events: 0, headSeq: 0, acknowledgedBreaks: 0 };

  private statements?: ReturnType<ConsentRegister["prepareStatements"]>;
  private headTx?: DbOrTx;
  private head?: { seq: number; hash: string; occurredAt: string };
  /**
   * Current state is derived incrementally: events appended since the last fold wait in `pending`
   * (they may belong to a transaction that rolls back), and a fold only trusts them when the
   * table's head (seq and hash, which chains everything before it) is the last of them.
   * Otherwise the rows after the folded head are read back, or, when the folded head itself is
   * gone (a rollback), everything is derived again.
   */
  private derived?: Derived;
  private pending: ConsentEvent[] = [];

  constructor(private readonly deps: CoreDeps) {}

  private prepareStatements() {
    const { db } = this.deps;
    return {
      head: db
        .select({ seq: registerEvents.seq, hash: registerEvents.hash, occurredAt: registerEvents.occurredAt })
        .from(registerEvents)
        .orderBy(desc(registerEvents.seq))
        .limit(1)
        .prepare(),
      // The hot path of every enrolment: a statement prepared on the connection drizzle wraps
      // (same transaction), positional, so no placeholder mapping per row. Columns as in
      // db/schema/register.ts.
      insert: rawStatement(
        db,
        "INSERT INTO register_events (seq, type, flat_code, owner_id, payload, occurred_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      // Rows straight into event-shaped objects (column aliases), no per-row mapping layer.
      all: rawStatement(db, `${SELECT_EVENTS} ORDER BY seq`),
      after: rawStatement(db, `${SELECT_EVENTS} WHERE seq > ? ORDER BY seq`),
      hashAt: rawStatement(db, "SELECT hash FROM register_events WHERE seq = ?"),
    };
  }

  private get prepared() {
    this.statements ??= this.prepareStatements();
    return this.statements;
  }

  get status(): RegisterHealth {
    return this.health;
  }

  /** Verifies the whole chain (at start-up and on demand), honouring operator acknowledgements. */
  verify(): RegisterHealth {
    const rows = this.deps.db.select().from(registerEvents).orderBy(asc(registerEvents.seq)).all();
    const acks = this.deps.db.select().from(registerAcknowledgements).orderBy(asc(registerAcknowledgements.id)).all();
    const events = rows.map(rowToEvent);
    let from = { seq: 0, hash: GENESIS_HASH };
    let acknowledged = 0;
    for (;;) {
      const verdict = verifyChain(events, from);
      if (verdict.ok) {
        this.health = { ok: true, events: events.length, headSeq: verdict.headSeq, acknowledgedBreaks: acknowledged };
        break;
      }
      const ack = acks.find((a) => a.firstBadSeq === verdict.firstBadSeq && a.headSeq >= from.seq);
      if (!ack) {
        this.health = { ok: false, events: events.length, firstBadSeq: verdict.firstBadSeq, kind: verdict.kind };
        this.forgetDerived();
        this.deps.logger.error(
          { firstBadSeq: verdict.firstBadSeq, kind: verdict.kind },
          "consent register chain is broken; register writes are refused until an operator acknowledges",
        );
        break;
      }
      acknowledged++;
      from = { seq: ack.headSeq, hash: ack.headHash };
    }
    return this.health;
  }

  /**
   * The documented operator command (`npm run register -- acknowledge`): records the break and
   * the current head so verification resumes after it. Tampered rows stay for forensics.
   */
  acknowledgeBreak(operator: string, note: string): { firstBadSeq: number; headSeq: number } {
    const status = this.verify();
    if (status.ok) throw new KioskError("CONFLICT", "the register chain is intact; nothing to acknowledge");
    const head = this.deps.db.select().from(registerEvents).orderBy(desc(registerEvents.seq)).limit(1).get();
    const record = {
      firstBadSeq: status.firstBadSeq,
      headSeq: head?.seq ?? 0,
      headHash: head?.hash ?? GENESIS_HASH,
      operator,
      note,
      acknowledgedAt: this.deps.clock.now().toISOString(),
    };
    this.deps.db.insert(registerAcknowledgements).values(record).run();
    this.deps.logger.warn({ ...record }, "register chain break acknowledged by operator");
    this.verify();
    return { firstBadSeq: record.firstBadSeq, headSeq: record.headSeq };
  }

  /**
   * Appends an event inside `tx` (the caller's transaction, with its outbox rows). An event is
   * never dated before its predecessor: after the system clock stepped back (recorded in
   * clock_steps), events keep the predecessor's time until the clock catches up.
   */
  append(
    tx: DbOrTx,
    body: ConsentEventBody,
    flatCode: string,
    ownerId: string | null,
    at: string = this.deps.clock.now().toISOString(),
  ): ConsentEvent {
    if (!this.health.ok) {
      throw new KioskError("REGISTER_BROKEN", `register chain broken at seq ${this.health.firstBadSeq}`);
    }
    // Prepared once: the append path runs for every enrolment and in the 100k-event bench.
    // They are bound to the connection, so inside `tx` they take part in its transaction.
    const statements = this.prepared;
    // Within one transaction the head is what we appended last; a new transaction (or one that
    // rolled back) is a new tx object, so the head is read again from the table.
    const head = this.headTx === tx && tx !== this.deps.db ? this.head : statements.head.get();
    // An empty register derives to nothing: start folding from the first event.
    if (!head && !this.derived) this.derived = { seq: 0, hash: GENESIS_HASH, at: -Infinity, states: new Map() };
    const occurredAt = head && head.occurredAt > at ? head.occurredAt : at;
    const payload = canonicalJson(body.payload);
    const event = {
      type: body.type,
      payload: body.payload,
      seq: (head?.seq ?? 0) + 1,
      flatCode,
      ownerId,
      occurredAt,
      prevHash: head?.hash ?? GENESIS_HASH,
      hash: "",
    } as ConsentEvent;
    event.hash = hashWithCanonicalPayload(event, payload);
    statements.insert.run(event.seq, event.type, flatCode, ownerId, payload, occurredAt, event.prevHash, event.hash);
    this.headTx = tx;
    this.head = { seq: event.seq, hash: event.hash, occurredAt };
    this.keepForFold(event);
    if (this.health.ok) {
      this.health.events++;
      this.health.headSeq = event.seq;
    }
    return event;
  }

  flatEvents(flatCode: string, db: DbOrTx = this.deps.db): ConsentEvent[] {
    return db
      .select()
      .from(registerEvents)
      .where(eq(registerEvents.flatCode, flatCode))
      .orderBy(asc(registerEvents.seq))
      .all()
      .map(rowToEvent);
  }

  /** Events after a cursor (sequence number), in order, for the office pull. */
  eventsAfter(after: number, limit: number): ConsentEvent[] {
    return this.deps.db
      .select()
      .from(registerEvents)
      .where(gt(registerEvents.seq, after))
      .orderBy(asc(registerEvents.seq))
      .limit(limit)
      .all()
      .map(rowToEvent);
  }

  private readEvents(after: number | null): ConsentEvent[] {
    const rows = (after === null ? this.prepared.all.all() : this.prepared.after.all(after)) as Array<
      Omit<ConsentEvent, "payload"> & { payload: unknown }
    >;
    for (const row of rows) row.payload = JSON.parse(row.payload as string);
    return rows as ConsentEvent[];
  }

  private keepForFold(event: ConsentEvent) {
    if (!this.derived) return;
    const last = this.pending.at(-1) ?? this.derived;
    if (event.seq === last.seq + 1 && event.prevHash === last.hash && this.pending.length < MAX_PENDING)
      this.pending.push(event);
    else this.pending = [];
  }

  private forgetDerived() {
    this.derived = undefined;
    this.pending = [];
  }

  /** Folds `events` (in sequence order) onto `derived`; null when one takes effect before what is folded. */
  private fold(derived: Derived, events: ConsentEvent[]): Derived | null {
    const graceDays = this.deps.config.rules.graceDays;
    let at = derived.at;
    // States made in this fold are nobody else's yet, so the flat's later events change them in
    // place; a state from before the fold may be held by a caller of allStates() and is copied.
    const made = new Set<FlatConsent>();
    for (const event of events) {
      const t = Date.parse(effectiveAt(event));
      if (t < at) return null;
      at = t;
      const before = derived.states.get(event.flatCode);
      const own = before && made.has(before) ? before : before ? copyConsent(before) : emptyConsent(event.flatCode);
      const after = applyEventToOwn(own, event, graceDays, t);
      if (after !== before) {
        made.add(after);
        derived.states.set(event.flatCode, after);
      }
    }
    const head = events[events.length - 1];
    if (head) Object.assign(derived, { seq: head.seq, hash: head.hash, at });
    return derived;
  }

  private deriveFromScratch(): Derived {
    const events = this.readEvents(null);
    let at = -Infinity;
    for (const event of events) at = Math.max(at, Date.parse(effectiveAt(event)));
    const head = events[events.length - 1];
    return {
      seq: head?.seq ?? 0,
      hash: head?.hash ?? GENESIS_HASH,
      at,
      states: deriveAll(events, null, this.deps.config.rules.graceDays),
    };
  }

  /** The current state of every flat, brought up to the table's head. */
  private currentStates(): Map<string, FlatConsent> {
    const head = this.prepared.head.get() ?? { seq: 0, hash: GENESIS_HASH };
    let derived = this.derived;
    if (derived && (derived.seq !== head.seq || derived.hash !== head.hash)) {
      const from: Derived = derived;
      const appended = this.pending[head.seq - from.seq - 1];
      const events =
        this.pending[0]?.seq === from.seq + 1 && appended?.seq === head.seq && appended.hash === head.hash
          ? this.pending.slice(0, head.seq - from.seq)
          : head.seq > from.seq &&
              (from.seq === 0 || (this.prepared.hashAt.get(from.seq) as { hash: string } | null)?.hash === from.hash)
            ? this.readEvents(from.seq)
            : null;
      derived = (events && this.fold(from, events)) ?? undefined;
    }
    this.pending = [];
    this.derived = derived ?? this.deriveFromScratch();
    return this.derived.states;
  }

  /** The flat's consent now, or as of an ISO instant. */
  stateOf(flatCode: string, asOf: string | null = null, db: DbOrTx = this.deps.db): FlatConsent {
    return consentAsOf(flatCode, this.flatEvents(flatCode, db), asOf, this.deps.config.rules.graceDays);
  }

  /** Every flat's consent now, or as of an ISO instant. */
  allStates(asOf: string | null = null): Map<string, FlatConsent> {
    if (asOf !== null) return deriveAll(this.readEvents(null), asOf, this.deps.config.rules.graceDays);
    return new Map(this.currentStates());
  }
}
