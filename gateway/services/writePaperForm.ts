/**
 * Writes one checked paper form to the register inside the caller's transaction: the same
 * events the kiosk writes (enrolled, contacts_updated, recipient_replaced), marked with their
 * source and the date on the form. Shared by the staff console and the paper-register import.
 * Contacts from paper are used as they stand and stay unverified until the kiosk checks them.
 */
import { eq } from "drizzle-orm";
import { contacts, paperForms } from "../../db/schema/index.ts";
import type { CoreDeps, DbOrTx } from "../deps.ts";
import type { FlatConsent } from "../domain/consentState.ts";
import { enrolmentKind } from "../domain/eligibility.ts";
import type { CheckedPaperForm } from "../domain/paperForm.ts";
import type { ConsentEvent, EventOrigin } from "../domain/registerEvents.ts";
import { localMidnight } from "../domain/routing.ts";
import { KioskError } from "../errors.ts";
import { requireEligible } from "./eligibleOwner.ts";
import type { ConsentRegister } from "./register.ts";

export type PaperSource = "paper_form" | "paper_import";
export const PAPER_CONSENT_VERSION = "paper-form";

export type PaperFormWrite =
  | { written: true; event: ConsentEvent; kind: ConsentEvent["type"]; previous: FlatConsent }
  | { written: false; eventSeq: number };

/** The instant a form's date begins at the cooperative (the grace period counts from it). */
export function appliedAtOf(formDate: string, timezone: string): string {
  return new Date(localMidnight(formDate, timezone)).toISOString();
}

/** The form already in the register under this reference: same content → its seq, else a conflict. */
export function earlierPaperForm(db: DbOrTx, form: CheckedPaperForm): number | null {
  const row = db.select().from(paperForms).where(eq(paperForms.reference, form.formReference)).get();
  if (!row) return null;
  if (row.contentHash !== form.contentHash)
    throw new KioskError("CONFLICT", `form ${form.formReference} is already in the register with other content`, {
      field: "formReference",
      eventSeq: row.eventSeq,
    });
  return row.eventSeq;
}

export function writePaperForm(
  deps: CoreDeps & { register: ConsentRegister },
  tx: DbOrTx,
  form: CheckedPaperForm,
  source: PaperSource,
): PaperFormWrite {
  const earlier = earlierPaperForm(tx, form);
  if (earlier !== null) return { written: false, eventSeq: earlier };
  requireEligible(tx, form.flatCode, form.ownerId);
  const appliedAt = appliedAtOf(form.formDate, deps.config.timezone);
  // What the form meant when it was filled in: a takeover from the co-owner registered then.
  const previous = deps.register.stateOf(form.flatCode, appliedAt, tx);
  const kind = enrolmentKind(form.ownerId, previous);
  // A paper address is unverified unless the kiosk has already verified the very same address.
  const unverified = form.channels.filter((c) => {
    const value = c === "email" ? form.email : form.mobile;
    const known = tx
      .select({ verification: contacts.verification })
      .from(contacts)
      .where(eq(contacts.id, `${c === "email" ? "email" : "mobile"}:${value}`))
      .get();
    return known?.verification !== "verified";
  });
  const origin: Required<EventOrigin> = {
    source,
    appliedAt,
    formReference: form.formReference,
    enteredBy: form.enteredBy,
  };
  const snapshot = {
    ...(form.email ? { email: form.email } : {}),
    ...(form.mobile ? { mobile: form.mobile } : {}),
    ...(unverified.length ? { unverified } : {}),
    channels: form.channels,
    consentVersion: PAPER_CONSENT_VERSION,
    ...origin,
  };
  const event =
    kind.kind === "recipient_replaced"
      ? deps.register.append(
          tx,
          { type: "recipient_replaced", payload: { ...snapshot, previousOwnerId: kind.previousOwnerId } },
          form.flatCode,
          form.ownerId,
        )
      : deps.register.append(tx, { type: kind.kind, payload: snapshot }, form.flatCode, form.ownerId);
  const now = event.occurredAt;
  tx.insert(paperForms)
    .values({
      reference: form.formReference,
      contentHash: form.contentHash,
      source,
      flatCode: form.flatCode,
      ownerId: form.ownerId,
      appliedAt,
      enteredBy: form.enteredBy,
      eventSeq: event.seq,
      recordedAt: now,
    })
    .run();
  for (const [kindOfContact, value] of [
    ["email", form.email],
    ["mobile", form.mobile],
  ] as const) {
    if (!value) continue;
    // An address the kiosk already verified stays verified; a new one is recorded as unverified.
    tx.insert(contacts)
      .values({ id: `${kindOfContact}:${value}`, kind: kindOfContact, value, source, updatedAt: now })
      .onConflictDoNothing()
      .run();
  }
  return { written: true, event, kind: kind.kind, previous };
}
