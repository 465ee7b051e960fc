/**
 * The consent register store: append (inside the caller's transaction), chain verification,
 * operator acknowledgement of a break, and derived state now or as of a date.
 */
import { asc, desc, eq, gt } from "drizzle-orm";
import { rawStatement } from "../../db/client.ts";
import { registerAcknowledgements, registerEvents } from "../../db/schema/index.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import { consentAsOf, deriveAll, type FlatConsent } from "../domain/consentState.ts";
import {
  type ChainBreak,
  type ConsentEvent,
  type ConsentEventBody,
  canonicalJson,
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

/** Holds the verified chain status; writes are refused while the chain is broken. */
export class ConsentRegister {
  private health: RegisterHealth = { ok: true, events: 0, headSeq: 0, acknowledgedBreaks: 0 };

  private statements?: ReturnType<ConsentRegister["prepareStatements"]>;
  private headTx?: DbOrTx;
  private head?: { seq: number; hash: string };

  constructor(private readonly deps: CoreDeps) {}

  private prepareStatements() {
    const { db } = this.deps;
    return {
      head: db
        .select({ seq: registerEvents.seq, hash: registerEvents.hash })
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
    };
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

  /** Appends an event inside `tx` (the caller's transaction, with its outbox rows). */
  append(
    tx: DbOrTx,
    body: ConsentEventBody,
    flatCode: string,
    ownerId: string | null,
    occurredAt: string = this.deps.clock.now().toISOString(),
  ): ConsentEvent {
    if (!this.health.ok) {
      throw new KioskError("REGISTER_BROKEN", `register chain broken at seq ${this.health.firstBadSeq}`);
    }
    // Prepared once: the append path runs for every enrolment and in the 100k-event bench.
    // They are bound to the connection, so inside `tx` they take part in its transaction.
    this.statements ??= this.prepareStatements();
    // Within one transaction the head is what we appended last; a new transaction (or one that
    // rolled back) is a new tx object, so the head is read again from the table.
    const head = this.headTx === tx && tx !== this.deps.db ? this.head : this.statements.head.get();
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
    this.statements.insert.run(
      event.seq,
      event.type,
      flatCode,
      ownerId,
      payload,
      occurredAt,
      event.prevHash,
      event.hash,
    );
    this.headTx = tx;
    this.head = { seq: event.seq, hash: event.hash };
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

  /** The flat's consent now, or as of an ISO instant. */
  stateOf(flatCode: string, asOf: string | null = null, db: DbOrTx = this.deps.db): FlatConsent {
    return consentAsOf(flatCode, this.flatEvents(flatCode, db), asOf, this.deps.config.rules.graceDays);
  }

  /** Every flat's consent now, or as of an ISO instant. */
  allStates(asOf: string | null = null): Map<string, FlatConsent> {
    const rows = this.deps.db.select().from(registerEvents).orderBy(asc(registerEvents.seq)).all();
    return deriveAll(rows.map(rowToEvent), asOf, this.deps.config.rules.graceDays);
  }
}
