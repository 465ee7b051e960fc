/**
 * A contact that probably does not receive right now (an SMS pending for hours: inbox full or
 * phone off). Only the contact's health changes (`at_risk`); it becomes `failing` through
 * recordDelivery when it keeps happening. A failing contact is never downgraded to at risk.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { contacts } from "../../db/schema/index.ts";
import type { DbOrTx } from "../deps.ts";

const sqlNotFailing = sql`${contacts.health} <> 'failing'`;

export function markContactAtRisk(
  db: DbOrTx,
  contact: { kind: "email" | "mobile"; value: string },
  reason: string,
  at: string,
): void {
  db.insert(contacts)
    .values({
      id: randomUUID(),
      kind: contact.kind,
      value: contact.value,
      health: "at_risk",
      healthReason: reason,
      updatedAt: at,
    })
    .onConflictDoUpdate({
      target: [contacts.kind, contacts.value],
      set: { health: "at_risk", healthReason: reason, updatedAt: at },
      setWhere: sqlNotFailing,
    })
    .run();
}
