/** What the kiosk may show about a flat's consent: masked contacts only. */
import type { ElectronicChannel } from "../domain/categories.ts";
import type { FlatConsent } from "../domain/consentState.ts";
import { maskEmail, maskMobile } from "../domain/contacts.ts";

export interface StatusView {
  enrolled: boolean;
  status: FlatConsent["status"];
  youAreRecipient: boolean;
  email: string | null;
  mobile: string | null;
  channels: ElectronicChannel[];
  unverified: ElectronicChannel[];
  electronicFrom: Record<ElectronicChannel, string | null>;
}

export function statusView(state: FlatConsent, ownerId: string): StatusView {
  const channels = (["email", "sms"] as const).filter((c) => state.channels[c].consented);
  return {
    enrolled: state.status === "active",
    status: state.status,
    youAreRecipient: state.designatedRecipient === ownerId,
    email: state.email ? maskEmail(state.email) : null,
    mobile: state.mobile ? maskMobile(state.mobile) : null,
    channels,
    unverified: state.unverified,
    electronicFrom: { email: state.channels.email.paperUntil, sms: state.channels.sms.paperUntil },
  };
}
