/** The Consent step: three explicit consents, nothing pre-ticked. */
import { computed, signal } from "@preact/signals";
import { channels } from "./contacts.ts";

export const processing = signal(false);
export const emailConsent = signal(false);
export const smsConsent = signal(false);

/** Processing always; email and SMS for the channels the resident chose. */
export const consentComplete = computed(
  () =>
    processing.value &&
    (!channels.value.includes("email") || emailConsent.value) &&
    (!channels.value.includes("sms") || smsConsent.value),
);

export function resetConsent(): void {
  processing.value = false;
  emailConsent.value = false;
  smsConsent.value = false;
}
