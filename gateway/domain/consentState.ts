/**
 * The state of one flat's electronic-correspondence consent, derived from register events,
 * now or as of any moment (routing needs the state when a letter was generated).
 */
import type { ElectronicChannel } from "./categories.ts";
import { type ConsentEvent, effectiveAt } from "./registerEvents.ts";

export type ContactHealth = "ok" | "at_risk" | "failing";

export interface ChannelState {
  consented: boolean;
  /** Electronic delivery on this channel starts after this instant (enrolment + grace). */
  paperUntil: string | null;
  health: ContactHealth;
}

export interface FlatConsent {
  flatCode: string;
  designatedRecipient: string | null;
  email: string | null;
  mobile: string | null;
  unverified: ElectronicChannel[];
  channels: Record<ElectronicChannel, ChannelState>;
  consentVersion: string | null;
  /** The resident's language (pl, en, uk) from the latest kiosk event; null before any. */
  language: string | null;
  enrolledAt: string | null;
  lastEventSeq: number;
  status: "none" | "active" | "withdrawn" | "rejected";
}

export function emptyConsent(flatCode: string): FlatConsent {
  return {
    flatCode,
    designatedRecipient: null,
    email: null,
    mobile: null,
    unverified: [],
    channels: {
      email: { consented: false, paperUntil: null, health: "ok" },
      sms: { consented: false, paperUntil: null, health: "ok" },
    },
    consentVersion: null,
    language: null,
    enrolledAt: null,
    lastEventSeq: 0,
    status: "none",
  };
}

const DAY_MS = 86_400_000;

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

/**
 * Applies one event. `graceDays` is the paper period after a channel is (newly) consented to:
 * the announcement promises paper for 14 days after the application; a channel already in
 * electronic use keeps running when only the address changes (the new one is verified).
 */
export function applyEvent(
  state: FlatConsent,
  event: ConsentEvent,
  graceDays: number,
  /** `Date.parse(effectiveAt(event))`, when the caller has it already (a fold orders by it). */
  appliedAtMs?: number,
): FlatConsent {
  return applyEventToOwn(copyConsent(state), event, graceDays, appliedAtMs);
}

/** A copy that shares nothing an event changes. Hand-written: structuredClone is too slow for a fold. */
export function copyConsent(state: FlatConsent): FlatConsent {
  return {
    ...state,
    unverified: [...state.unverified],
    channels: { email: { ...state.channels.email }, sms: { ...state.channels.sms } },
  };
}

/**
 * `applyEvent` on a state the caller owns (made by `emptyConsent`, `copyConsent` or an earlier
 * call of this, and not handed to anyone yet): changes it and returns it, or returns a new state.
 * A fold over the whole register keeps one object per flat instead of one per event: a new
 * object per event, each living until the flat's next event, made a derivation several times
 * slower than the work itself (bench/register.ts).
 */
export function applyEventToOwn(
  next: FlatConsent,
  event: ConsentEvent,
  graceDays: number,
  appliedAtMs?: number,
): FlatConsent {
  next.lastEventSeq = event.seq;
  const appliedAt = effectiveAt(event);
  switch (event.type) {
    case "enrolled":
    case "recipient_replaced":
    case "contacts_updated": {
      const p = event.payload;
      const newPerson = event.type !== "contacts_updated" || next.designatedRecipient !== event.ownerId;
      const wasActive = next.status === "active";
      // The end of the paper period, computed at most once per event (parsing and formatting the
      // date twice was half of a derivation's time).
      let graceEnd: string | undefined;
      for (const channel of CHANNELS) {
        const newAddress = channel === "email" ? p.email : p.mobile;
        const previousAddress = channel === "email" ? next.email : next.mobile;
        const wanted = p.channels.includes(channel) && Boolean(newAddress);
        const current = next.channels[channel];
        const wasRunning = current.consented && !newPerson && wasActive;
        if (!wanted) current.paperUntil = null;
        else if (!wasRunning) {
          graceEnd ??= new Date((appliedAtMs ?? Date.parse(appliedAt)) + graceDays * DAY_MS).toISOString();
          current.paperUntil = graceEnd;
        }
        current.health = wanted && previousAddress === newAddress && !newPerson ? current.health : "ok";
        current.consented = wanted;
      }
      next.designatedRecipient = event.ownerId;
      next.email = p.email ?? null;
      next.mobile = p.mobile ?? null;
      next.unverified = p.unverified ?? [];
      next.consentVersion = p.consentVersion;
      if (p.language) next.language = p.language;
      if (newPerson || !wasActive) next.enrolledAt = appliedAt;
      next.status = next.channels.email.consented || next.channels.sms.consented ? "active" : "withdrawn";
      break;
    }
    case "withdrawn": {
      const channels = event.payload.channels === "all" ? CHANNELS : event.payload.channels;
      if (event.payload.language) next.language = event.payload.language;
      for (const channel of channels) {
        const state = next.channels[channel];
        state.consented = false;
        state.paperUntil = null;
        state.health = "ok";
      }
      if (channels.includes("email")) next.email = null;
      if (channels.includes("sms")) next.mobile = null;
      if (!next.channels.email.consented && !next.channels.sms.consented) {
        next.status = "withdrawn";
        next.designatedRecipient = null;
      }
      break;
    }
    case "office_rejected": {
      const rejected = emptyConsent(next.flatCode);
      rejected.status = "rejected";
      rejected.lastEventSeq = event.seq;
      rejected.language = next.language;
      return rejected;
    }
    case "contact_failing":
    case "contact_restored": {
      const { channel, contact } = event.payload;
      const address = channel === "email" ? next.email : next.mobile;
      if (address === contact) next.channels[channel].health = event.type === "contact_failing" ? "failing" : "ok";
      break;
    }
  }
  return next;
}

const CHANNELS = ["email", "sms"] as const;

/**
 * Events in the order they took effect: by the date the resident applied, then by sequence.
 * The register is usually already in that order (a kiosk writes as the resident applies); a
 * paper form typed in late sorts back to its date, so an old form cannot override a newer one.
 */
export function inEffectiveOrder(events: Iterable<ConsentEvent>): Array<{ event: ConsentEvent; at: number }> {
  const out: Array<{ event: ConsentEvent; at: number }> = [];
  let ordered = true;
  for (const event of events) {
    const at = Date.parse(effectiveAt(event));
    if (out.length > 0 && at < out[out.length - 1].at) ordered = false;
    out.push({ event, at });
  }
  if (!ordered) out.sort((a, b) => a.at - b.at || a.event.seq - b.event.seq);
  return out;
}

/** Folds a flat's events up to and including `asOf` (ISO instant), in the order they took effect. */
export function consentAsOf(
  flatCode: string,
  events: Iterable<ConsentEvent>,
  asOf: string | null,
  graceDays: number,
): FlatConsent {
  const limit = asOf === null ? Number.POSITIVE_INFINITY : Date.parse(asOf);
  let state = emptyConsent(flatCode);
  for (const { event, at } of inEffectiveOrder(events)) {
    if (event.flatCode !== flatCode) continue;
    if (at > limit) continue;
    state = applyEventToOwn(state, event, graceDays, at);
  }
  return state;
}

/** Derives every flat's state in one pass over the whole register. */
export function deriveAll(
  events: Iterable<ConsentEvent>,
  asOf: string | null,
  graceDays: number,
): Map<string, FlatConsent> {
  const limit = asOf === null ? Number.POSITIVE_INFINITY : Date.parse(asOf);
  const flats = new Map<string, FlatConsent>();
  for (const { event, at } of inEffectiveOrder(events)) {
    if (at > limit) continue;
    const before = flats.get(event.flatCode);
    const after = applyEventToOwn(before ?? emptyConsent(event.flatCode), event, graceDays, at);
    if (after !== before) flats.set(event.flatCode, after);
  }
  return flats;
}

/** The consent as of generation, but never sending where the resident has since withdrawn. */
export function effectiveConsent(asOf: FlatConsent, current: FlatConsent): FlatConsent {
  const out = structuredClone(asOf);
  if (current.status === "rejected" || current.status === "withdrawn") out.status = current.status;
  for (const channel of ["email", "sms"] as const) {
    const now = current.channels[channel];
    if (!now.consented) {
      out.channels[channel].consented = false;
      continue;
    }
    out.channels[channel].health = now.health;
  }
  out.email = current.channels.email.consented ? current.email : null;
  out.mobile = current.channels.sms.consented ? current.mobile : null;
  return out;
}
