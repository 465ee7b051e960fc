/**
 * Consent register events and their hash chain. Each event's hash is SHA-256 over the
 * canonical JSON (RFC 8785) of { seq, type, flatCode, ownerId, payload, occurredAt, prevHash }.
 */
import { hash } from "node:crypto";
import type { ElectronicChannel } from "./categories.ts";

export const GENESIS_HASH = "0".repeat(64);

export interface ContactSnapshot {
  email?: string;
  mobile?: string;
  /** Contacts the resident could not verify at the kiosk: the office confirms them by post. */
  unverified?: ElectronicChannel[];
  /** The language the resident used at the kiosk (pl, en, uk): codes, confirmations and notices follow it. */
  language?: string;
}

/** Where a consent came from: the kiosk, a paper form staff typed in, or the paper-register import. */
export type EventSource = "kiosk" | "paper_form" | "paper_import";
export const EVENT_SOURCES: EventSource[] = ["kiosk", "paper_form", "paper_import"];

/**
 * The origin of a consent. Paper forms reach the register after the resident applied (years
 * later for the 2021 register), so they carry the date on the form: routing and the 14-day grace
 * count from `appliedAt`, while `occurredAt` stays the moment the event was written (the chain is
 * append-only and ordered by writing). Events without `source` were written by the kiosk.
 */
export interface EventOrigin {
  source?: EventSource;
  /** ISO instant the resident applied (the form's date); absent for the kiosk (= occurredAt). */
  appliedAt?: string;
  /** The paper form's reference number, e.g. "F/2021/0117". */
  formReference?: string;
  /** The staff member who typed the form in (name or login). */
  enteredBy?: string;
}

export type ConsentEventBody =
  | {
      type: "enrolled";
      payload: ContactSnapshot &
        EventOrigin & {
          channels: ElectronicChannel[];
          consentVersion: string;
          kioskId?: string;
        };
    }
  | {
      type: "contacts_updated";
      payload: ContactSnapshot &
        EventOrigin & { channels: ElectronicChannel[]; consentVersion: string; kioskId?: string };
    }
  | {
      type: "withdrawn";
      payload: { channels: ElectronicChannel[] | "all"; via: "kiosk" | "sms" | "office"; language?: string };
    }
  | {
      type: "recipient_replaced";
      payload: ContactSnapshot &
        EventOrigin & {
          previousOwnerId: string;
          channels: ElectronicChannel[];
          consentVersion: string;
          kioskId?: string;
        };
    }
  | { type: "office_rejected"; payload: { reason: string; rejectedSeq: number } }
  | { type: "contact_failing"; payload: { channel: ElectronicChannel; contact: string; reason: string } }
  | { type: "contact_restored"; payload: { channel: ElectronicChannel; contact: string } };

export type ConsentEventType = ConsentEventBody["type"];
export const CONSENT_EVENT_TYPES: ConsentEventType[] = [
  "enrolled",
  "contacts_updated",
  "withdrawn",
  "recipient_replaced",
  "office_rejected",
  "contact_failing",
  "contact_restored",
];

export type ConsentEvent = ConsentEventBody & {
  seq: number;
  flatCode: string;
  ownerId: string | null;
  occurredAt: string;
  prevHash: string;
  hash: string;
};

export type UnsealedEvent = Omit<ConsentEvent, "hash">;

/** The source an event declares; events written before sources existed came from the kiosk. */
export function sourceOf(event: Pick<ConsentEvent, "payload">): EventSource {
  return (event.payload as EventOrigin).source ?? "kiosk";
}

/** When the event takes effect for routing: the date the resident applied, else when it was written. */
export function effectiveAt(event: Pick<ConsentEvent, "payload" | "occurredAt">): string {
  return (event.payload as EventOrigin).appliedAt ?? event.occurredAt;
}

/**
 * RFC 8785 (JCS) canonical JSON: object keys sorted by UTF-16 code units (JavaScript's default
 * sort), no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify does
 * (RFC 8785 §3.2.2). It runs for every register event, so the usual case is one native
 * JSON.stringify over a copy whose objects hold their keys in canonical order; a key that looks
 * like an array index (objects list those first, in numeric order) takes the written-out path.
 * A property test checks both against the `canonicalize` library.
 */
export function canonicalJson(value: unknown): string {
  const ordered = inCanonicalOrder(value);
  if (ordered === INDEX_KEYS) return writeCanonical(value);
  const out = JSON.stringify(ordered);
  if (out === undefined) throw new TypeError("value cannot be canonicalised");
  return out;
}

const INDEX_KEYS: unique symbol = Symbol("index-like keys");
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

/** `value` itself when its objects' keys are already in order, else a copy that has them so. */
function inCanonicalOrder(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value))
      throw new TypeError("non-finite numbers have no JSON form");
    return value;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function")
    return inCanonicalOrder((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = inCanonicalOrder(value[i]);
      if (item === INDEX_KEYS) return INDEX_KEYS;
      if (item !== value[i]) {
        copy ??= value.slice();
        copy[i] = item;
      }
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    if (INDEX_KEY.test(keys[i])) return INDEX_KEYS;
    if (i > 0 && keys[i - 1] > keys[i]) sorted = false;
  }
  // Copies have no prototype: on a plain object, assigning "__proto__" would set the prototype
  // and drop the key from the JSON.
  let copy: Record<string, unknown> | undefined;
  if (!sorted) {
    keys.sort();
    copy = Object.create(null) as Record<string, unknown>;
  }
  for (const key of keys) {
    const item = inCanonicalOrder(record[key]);
    if (item === INDEX_KEYS) return INDEX_KEYS;
    if (!copy && item !== record[key]) {
      copy = Object.create(null) as Record<string, unknown>;
      for (const earlier of keys) {
        if (earlier === key) break;
        copy[earlier] = record[earlier];
      }
    }
    if (copy) copy[key] = item;
  }
  return copy ?? record;
}

/** The written-out serialiser, for objects with index-like keys. */
function writeCanonical(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value))
      throw new TypeError("non-finite numbers have no JSON form");
    const out = JSON.stringify(value);
    if (out === undefined) throw new TypeError("value cannot be canonicalised");
    return out;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function")
    return writeCanonical((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item = value[i];
      out +=
        item === undefined || typeof item === "function" || typeof item === "symbol" ? "null" : writeCanonical(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = "{";
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${writeCanonical(item)}`;
    first = false;
  }
  return `${out}}`;
}

export function hashEvent(event: UnsealedEvent): string {
  return hashWithCanonicalPayload(event, canonicalJson(event.payload));
}

/**
 * The canonical JSON (RFC 8785) of the hashed envelope, built around an already-canonical payload
 * so the payload is serialised once per append. Keys in RFC 8785 order (UTF-16 code units):
 * flatCode, occurredAt, ownerId, payload, prevHash, seq, type. Strings serialise exactly as
 * JSON.stringify does (RFC 8785 §3.2.2.2) and `seq` is a safe integer.
 */
export function canonicalEnvelope(event: UnsealedEvent, canonicalPayload: string): string {
  const { seq, type, flatCode, ownerId, occurredAt, prevHash } = event;
  if (!Number.isSafeInteger(seq)) throw new TypeError("seq must be a safe integer");
  return `{"flatCode":${JSON.stringify(flatCode)},"occurredAt":${JSON.stringify(occurredAt)},"ownerId":${JSON.stringify(ownerId)},"payload":${canonicalPayload},"prevHash":${JSON.stringify(prevHash)},"seq":${seq},"type":${JSON.stringify(type)}}`;
}

/** SHA-256 (hex) of canonical text: the register's one hash function, a pure one. */
export function sha256Hex(canonical: string): string {
  return hash("sha256", canonical, "hex");
}

export function hashWithCanonicalPayload(event: UnsealedEvent, canonicalPayload: string): string {
  return sha256Hex(canonicalEnvelope(event, canonicalPayload));
}

export function seal(event: UnsealedEvent): ConsentEvent {
  return { ...event, hash: hashEvent(event) } as ConsentEvent;
}

export type ChainBreak = {
  firstBadSeq: number;
  kind: "hash_mismatch" | "prev_hash_mismatch" | "sequence_gap" | "sequence_order";
};

export type ChainVerdict =
  | { ok: true; count: number; headSeq: number; headHash: string }
  | ({ ok: false } & ChainBreak);

/**
 * Walks events in storage order. An edited row fails its own hash, a deleted row leaves a gap
 * (and a prev-hash mismatch), reordered rows break the order or the links.
 * `from` lets verification resume after an operator-acknowledged break.
 */
export function verifyChain(
  events: Iterable<ConsentEvent>,
  from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): ChainVerdict {
  let expectedSeq = from.seq + 1;
  let prevHash = from.hash;
  let count = 0;
  for (const event of events) {
    if (event.seq <= from.seq) continue;
    if (event.seq < expectedSeq) return { ok: false, firstBadSeq: event.seq, kind: "sequence_order" };
    if (event.seq !== expectedSeq) return { ok: false, firstBadSeq: expectedSeq, kind: "sequence_gap" };
    if (hashEvent(event) !== event.hash) return { ok: false, firstBadSeq: event.seq, kind: "hash_mismatch" };
    if (event.prevHash !== prevHash) return { ok: false, firstBadSeq: event.seq, kind: "prev_hash_mismatch" };
    prevHash = event.hash;
    expectedSeq++;
    count++;
  }
  return { ok: true, count, headSeq: expectedSeq - 1, headHash: prevHash };
}
