/**
 * gammu-smsd's SQL-service database (SQLite), seen from the gateway: created from the copied
 * schema, plus our idempotency tag (a trigger stamps our outbox id into `CreatorID` in the same
 * statement that inserts the row, so a crash can never leave an injected message untagged).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ForeignSqlite, openForeignSqlite } from "../../db/client.ts";

const SCHEMA = join(dirname(fileURLToPath(import.meta.url)), "gammu-sqlite.sql");

/** Our additions to gammu's schema; gammu ignores unknown tables, triggers and indexes. */
const TAGGING = `
CREATE TABLE IF NOT EXISTS ek_pending_tags (
  tag TEXT NOT NULL,
  destination TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at NUMERIC NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS ek_pending_tags_dest ON ek_pending_tags(destination);
CREATE INDEX IF NOT EXISTS ek_outbox_creator ON outbox(CreatorID);
CREATE INDEX IF NOT EXISTS ek_sentitems_creator ON sentitems(CreatorID);
CREATE INDEX IF NOT EXISTS ek_sentitems_id ON sentitems(ID);
CREATE INDEX IF NOT EXISTS ek_inbox_processed ON inbox(Processed);
CREATE TRIGGER IF NOT EXISTS ek_tag_outbox AFTER INSERT ON outbox
WHEN NEW.CreatorID LIKE 'Gammu%'
BEGIN
  UPDATE outbox SET CreatorID = (
    SELECT p.tag FROM ek_pending_tags p
    WHERE p.destination = NEW.DestinationNumber
      AND substr(p.text, 1, length(NEW.TextDecoded)) = NEW.TextDecoded
    ORDER BY p.rowid LIMIT 1)
  WHERE ID = NEW.ID AND EXISTS (
    SELECT 1 FROM ek_pending_tags p
    WHERE p.destination = NEW.DestinationNumber
      AND substr(p.text, 1, length(NEW.TextDecoded)) = NEW.TextDecoded);
END;
`;

export type GammuPartStatus =
  | "SendingOK"
  | "SendingOKNoReport"
  | "SendingError"
  | "DeliveryOK"
  | "DeliveryFailed"
  | "DeliveryPending"
  | "DeliveryUnknown"
  | "Error";

export interface SentPart {
  id: number;
  part: number;
  status: GammuPartStatus;
  statusError: number;
  sendingDateTime: string;
  deliveryDateTime: string | null;
}

export interface InboxRow {
  id: number;
  sender: string;
  text: string;
  receivedAt: string;
}

export interface PhoneRow {
  id: string;
  imei: string;
  imsi: string;
  netCode: string | null;
  netName: string | null;
  signal: number;
  battery: number;
  sent: number;
  received: number;
  /** gammu-smsd pushes this 10 s ahead while it runs: a heartbeat. */
  timeOut: string;
  updatedInDb: string;
}

/** gammu writes `datetime('now','localtime')`; the supervisor runs it with TZ=UTC. */
export interface SentToRow {
  id: number;
  creator: string;
  part: number;
  text: string;
  coding: string;
  /** The service centre the part went through (sms.smsc, or the SIM's). */
  smsc: string;
}

export function gammuTime(value: string | null): string | null {
  if (!value) return null;
  const iso = value.includes("T") ? value : `${value.replace(" ", "T")}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Creates gammu's tables when the file is new and (re)applies our tagging. */
export function ensureGammuDb(file: string): void {
  const db = openForeignSqlite(file);
  try {
    const hasTables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'gammu'").get();
    if (!hasTables) db.exec(readFileSync(SCHEMA, "utf8"));
    db.exec(TAGGING);
  } finally {
    db.close();
  }
}

export class GammuDb {
  private readonly db: ForeignSqlite;

  constructor(readonly file: string) {
    if (!existsSync(file)) ensureGammuDb(file);
    this.db = openForeignSqlite(file);
    // WAL + NORMAL: our commits survive a crash of the gateway; only a power cut may lose the
    // last one, and the rows gammu itself writes carry our tag from their own insert.
    this.db.exec("PRAGMA synchronous = NORMAL");
  }

  close(): void {
    this.db.close();
  }

  /** The gammu message carrying our id, in the outbox (waiting) or in sent items. */
  findByCreator(tag: string): { id: number; where: "outbox" | "sentitems" } | null {
    const row = this.db
      .query(
        `SELECT ID AS id, 'outbox' AS place FROM outbox WHERE CreatorID = ?1
         UNION ALL SELECT ID AS id, 'sentitems' AS place FROM sentitems WHERE CreatorID = ?1 LIMIT 1`,
      )
      .get(tag) as { id: number; place: "outbox" | "sentitems" } | null;
    return row ? { id: row.id, where: row.place } : null;
  }

  addPendingTag(tag: string, destination: string, text: string): void {
    this.db.query("INSERT INTO ek_pending_tags (tag, destination, text) VALUES (?, ?, ?)").run(tag, destination, text);
  }

  removePendingTag(tag: string): void {
    this.db.query("DELETE FROM ek_pending_tags WHERE tag = ?").run(tag);
  }

  /** Forgets tags of injections that never happened (the gateway died before the inject). */
  prunePendingTags(olderThanSeconds: number): number {
    return this.db
      .query("DELETE FROM ek_pending_tags WHERE created_at < datetime('now', ?)")
      .run(`-${Math.max(1, Math.round(olderThanSeconds))} seconds`).changes;
  }

  /**
   * A one-part text written straight into gammu's outbox under our tag, as gammu's SQL service
   * allows (it encodes `TextDecoded` itself when `Text` is empty): what gammu-smsd-inject would
   * write for it. Unlike the inject, this connection waits on a busy database (busy_timeout)
   * instead of failing and sleeping a whole second, which is what gammu's SQL backend does when
   * gammu-smsd is writing at the same moment. The commit is FULL, as the inject's is: the
   * message is durable in gammu's database before we record it as handed over.
   */
  insertOnePart(m: {
    tag: string;
    to: string;
    text: string;
    unicode: boolean;
    report: boolean;
    senderId: string;
  }): number {
    this.db.exec("PRAGMA synchronous = FULL");
    try {
      const row = this.db
        .query(
          `INSERT INTO outbox (DestinationNumber, TextDecoded, Coding, Class, MultiPart, DeliveryReport, SenderID, CreatorID)
           VALUES (?1, ?2, ?3, -1, 'false', ?4, ?5, ?6) RETURNING ID AS id`,
        )
        .get(
          m.to,
          m.text,
          m.unicode ? "Unicode_No_Compression" : "Default_No_Compression",
          m.report ? "yes" : "default",
          m.senderId,
          m.tag,
        ) as { id: number };
      return row.id;
    } finally {
      this.db.exec("PRAGMA synchronous = NORMAL");
    }
  }

  /**
   * After an inject: forgets the pending tag and, belt and braces for the trigger, stamps our id
   * on the row if the trigger could not match it. One commit.
   */
  finishInject(id: number, tag: string): void {
    this.db.transaction(() => {
      this.db.query("DELETE FROM ek_pending_tags WHERE tag = ?").run(tag);
      this.db.query("UPDATE outbox SET CreatorID = ?1 WHERE ID = ?2 AND CreatorID LIKE 'Gammu%'").run(tag, id);
      this.db.query("UPDATE sentitems SET CreatorID = ?1 WHERE ID = ?2 AND CreatorID LIKE 'Gammu%'").run(tag, id);
    })();
  }

  /**
   * What the gateway does before each start of gammu-smsd, after a crash or a power cut: finish
   * the moves of sent messages the daemon did not finish, then release its stale reservations.
   */
  beforeDaemonStart(): { settled: number; released: number } {
    const settled = this.settleHalfMoved();
    return { settled, released: this.releaseReservations() };
  }

  /**
   * gammu-smsd moves a sent message in separate statements: each part into `sentitems`, then
   * the delete from `outbox` and `outbox_multipart`. A power cut between them leaves the message
   * in both tables, and gammu 1.42 sends a one-part message again (it marks parts as sent in
   * `outbox` only for multipart messages). Before the daemon starts, finish that move: delete
   * from the outbox every message whose parts are all in `sentitems` already. One transaction.
   */
  settleHalfMoved(): number {
    return this.db.transaction(() => {
      const moved = this.db
        .query(
          `SELECT o.ID AS id FROM outbox o
           WHERE EXISTS (SELECT 1 FROM sentitems s WHERE s.ID = o.ID AND s.SequencePosition = 1)
             AND NOT EXISTS (SELECT 1 FROM outbox_multipart m WHERE m.ID = o.ID AND NOT EXISTS
               (SELECT 1 FROM sentitems s WHERE s.ID = m.ID AND s.SequencePosition = m.SequencePosition))`,
        )
        .all() as { id: number }[];
      for (const { id } of moved) {
        this.db.query("DELETE FROM outbox_multipart WHERE ID = ?").run(id);
        this.db.query("DELETE FROM outbox WHERE ID = ?").run(id);
      }
      return moved.length;
    })();
  }

  /**
   * gammu-smsd reserves a message it starts sending for at least 60 s (`SendingTimeOut`). When it
   * was killed mid-send, nobody holds that reservation: release it before the daemon starts again
   * so the message goes out now instead of a minute later.
   */
  releaseReservations(): number {
    return this.db
      .query("UPDATE outbox SET SendingTimeOut = datetime('now', '-1 seconds') WHERE SendingTimeOut > datetime('now')")
      .run().changes;
  }

  inOutbox(ids: number[]): Set<number> {
    if (ids.length === 0) return new Set();
    const rows = this.db
      .query(`SELECT ID AS id FROM outbox WHERE ID IN (${ids.map(() => "?").join(",")})`)
      .all(...ids) as Array<{ id: number }>;
    return new Set(rows.map((r) => r.id));
  }

  sentParts(ids: number[]): SentPart[] {
    if (ids.length === 0) return [];
    return this.db
      .query(
        `SELECT ID AS id, SequencePosition AS part, Status AS status, StatusError AS statusError,
                SendingDateTime AS sendingDateTime, DeliveryDateTime AS deliveryDateTime
         FROM sentitems WHERE ID IN (${ids.map(() => "?").join(",")}) ORDER BY ID, SequencePosition`,
      )
      .all(...ids) as SentPart[];
  }

  /** What gammu transmitted to a number, part by part (tests, the bench, troubleshooting). */
  sentTo(destination: string): SentToRow[] {
    return this.db
      .query(
        `SELECT ID AS id, CreatorID AS creator, SequencePosition AS part, TextDecoded AS text, Coding AS coding,
                SMSCNumber AS smsc
         FROM sentitems WHERE DestinationNumber = ? ORDER BY ID, SequencePosition`,
      )
      .all(destination) as SentToRow[];
  }

  unprocessedInbox(limit: number): InboxRow[] {
    return this.db
      .query(
        `SELECT ID AS id, SenderNumber AS sender, TextDecoded AS text, ReceivingDateTime AS receivedAt
         FROM inbox WHERE Processed = 'false' ORDER BY ID LIMIT ?`,
      )
      .all(limit) as InboxRow[];
  }

  markProcessed(id: number): void {
    this.db.query("UPDATE inbox SET Processed = 'true' WHERE ID = ?").run(id);
  }

  phone(phoneId: string): PhoneRow | null {
    return this.db
      .query(
        `SELECT ID AS id, IMEI AS imei, IMSI AS imsi, NetCode AS netCode, NetName AS netName, Signal AS signal,
                Battery AS battery, Sent AS sent, Received AS received, TimeOut AS timeOut, UpdatedInDB AS updatedInDb
         FROM phones WHERE ID = ? ORDER BY UpdatedInDB DESC LIMIT 1`,
      )
      .get(phoneId) as PhoneRow | null;
  }

  /** Messages still waiting in gammu's outbox (for health and the bench). */
  outboxCount(): number {
    return (this.db.query("SELECT count(*) AS n FROM outbox").get() as { n: number }).n;
  }
}
