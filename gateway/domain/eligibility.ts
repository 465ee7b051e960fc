/**
 * Who may act for a flat: only an owner or co-owner. A second co-owner enrolling replaces the
 * designated recipient (one recipient per flat).
 */
import type { FlatConsent } from "./consentState.ts";

export interface Share {
  ownerId: string;
  role: "owner" | "co_owner";
  active: boolean;
  ownerActive: boolean;
}

export type Eligibility =
  | { eligible: true; role: "owner" | "co_owner" }
  | { eligible: false; reason: "not_an_owner" | "no_longer_owner" };

export function eligibilityFor(ownerId: string, shares: Share[]): Eligibility {
  const share = shares.find((s) => s.ownerId === ownerId);
  if (!share) return { eligible: false, reason: "not_an_owner" };
  if (!share.active || !share.ownerActive) return { eligible: false, reason: "no_longer_owner" };
  return { eligible: true, role: share.role };
}

export type EnrolmentKind =
  | { kind: "enrolled" }
  | { kind: "contacts_updated" }
  | { kind: "recipient_replaced"; previousOwnerId: string };

/** What an enrolment by `ownerId` means for the flat's register, given its current state. */
export function enrolmentKind(ownerId: string, current: FlatConsent): EnrolmentKind {
  if (current.status !== "active" || current.designatedRecipient === null) return { kind: "enrolled" };
  if (current.designatedRecipient === ownerId) return { kind: "contacts_updated" };
  return { kind: "recipient_replaced", previousOwnerId: current.designatedRecipient };
}

/** Folds case and Polish diacritics so "Kowalska", "KOWALSKA" and "kowalska " match. */
export function surnameKey(surname: string): string {
  return surname
    .trim()
    .toLocaleLowerCase("pl")
    .replace(/ł/g, "l")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/\s+/g, " ");
}
