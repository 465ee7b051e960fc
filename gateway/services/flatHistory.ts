/**
 * A flat's page in the staff console: its register events with where each came from, the
 * current consent, its owners, and each contact in use with its state (verified, unverified,
 * failing) and source (kiosk, paper form, paper import).
 */
import { eq, inArray } from "drizzle-orm";
import { contacts, owners, ownershipShares } from "../../db/schema/index.ts";
import type { GatewayContext } from "../context.ts";
import type { FlatConsent } from "../domain/consentState.ts";
import { type ConsentEvent, type EventSource, effectiveAt, sourceOf } from "../domain/registerEvents.ts";

export type ContactState = "verified" | "unverified" | "failing";

export interface FlatHistory {
  flat: string;
  state: FlatConsent;
  owners: Array<{ id: string; name: string; role: "owner" | "co_owner"; active: boolean }>;
  events: Array<ConsentEvent & { source: EventSource; appliedAt: string }>;
  contacts: Array<{ kind: "email" | "mobile"; value: string; state: ContactState; source: EventSource }>;
}

export function flatHistory(ctx: Pick<GatewayContext, "db" | "register">, flat: string): FlatHistory {
  const state = ctx.register.stateOf(flat);
  const events = ctx.register.flatEvents(flat).map((e) => ({ ...e, source: sourceOf(e), appliedAt: effectiveAt(e) }));
  const people = ctx.db
    .select({
      id: owners.id,
      firstName: owners.firstName,
      surname: owners.surname,
      role: ownershipShares.role,
      active: ownershipShares.active,
    })
    .from(ownershipShares)
    .innerJoin(owners, eq(owners.id, ownershipShares.ownerId))
    .where(eq(ownershipShares.flatCode, flat))
    .all()
    .map((o) => ({ id: o.id, name: `${o.firstName} ${o.surname}`, role: o.role, active: o.active }));
  const ids = [state.email ? `email:${state.email}` : null, state.mobile ? `mobile:${state.mobile}` : null].filter(
    (id): id is string => id !== null,
  );
  const rows = ids.length ? ctx.db.select().from(contacts).where(inArray(contacts.id, ids)).all() : [];
  const inUse = rows.map((c) => {
    const channel = c.kind === "email" ? "email" : "sms";
    const failing = c.health === "failing" || state.channels[channel].health === "failing";
    const unverified = state.unverified.includes(channel) || c.verification === "unverified";
    return {
      kind: c.kind,
      value: c.value,
      state: (failing ? "failing" : unverified ? "unverified" : "verified") as ContactState,
      source: c.source,
    };
  });
  return { flat, state, owners: people, events, contacts: inUse };
}
