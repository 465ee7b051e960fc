/** The Contacts step: which channels, the email and the mobile number, with live validation. */
import { computed, signal } from "@preact/signals";
import { kioskApi } from "../api/client.ts";
import type { Channel, EmailCheck, MobileCheck } from "../api/types.ts";
import { identified } from "./session.ts";

export type ChannelChoice = "both" | "email" | "sms";
export const choice = signal<ChannelChoice | null>(null);
export const channels = computed<Channel[]>(() =>
  choice.value === "both" ? ["email", "sms"] : choice.value ? [choice.value] : [],
);

/**
 * The resident's own current contacts, masked as the gateway gives them: when updating, each can
 * be kept as it is (no typing, no new code for a verified one). Another co-owner's are not offered.
 */
export const currentContacts = computed(() => {
  const status = identified.value?.status;
  const own = status?.enrolled && status.youAreRecipient;
  return {
    email: own ? status.email : null,
    mobile: own ? status.mobile : null,
    unverified: own ? (status.unverified ?? []) : [],
  };
});
/** null: not asked yet; true: keep the current one; false: type a new one. */
export const keepEmail = signal<boolean | null>(null);
export const keepMobile = signal<boolean | null>(null);
export const kept = computed<Channel[]>(() =>
  channels.value.filter((c) =>
    c === "email"
      ? keepEmail.value === true && currentContacts.value.email
      : keepMobile.value === true && currentContacts.value.mobile,
  ),
);
/** Kept contacts that were never confirmed stay unconfirmed (the office confirms them by post). */
export const keptUnverified = computed(() => kept.value.filter((c) => currentContacts.value.unverified.includes(c)));

export const email = signal("");
export const emailCheck = signal<EmailCheck | null>(null);
/** The resident said their address is right despite a "did you mean" suggestion. */
export const suggestionDismissed = signal(false);

export const mobilePrefix = signal("+48");
export const mobileDigits = signal("");
export const mobileCheck = signal<MobileCheck | null>(null);
export const mobileE164 = computed(() => `${mobilePrefix.value}${mobileDigits.value}`);

export const MAX_EMAIL = 254;
export const MAX_MOBILE_DIGITS = 12;
export const CHECK_DELAY_MS = 250;

/** `600100200` → `600 100 200`: groups of three, as Poles write mobile numbers. */
export function groupDigits(digits: string): string {
  return digits.replace(/(\d{3})(?=\d)/g, "$1 ");
}

let emailSeq = 0;
let mobileSeq = 0;
let emailTimer: ReturnType<typeof setTimeout> | undefined;
let mobileTimer: ReturnType<typeof setTimeout> | undefined;

/** Asks the gateway (debounced); a stale or failed answer is ignored, Next checks again. */
export function setEmail(value: string): void {
  email.value = value.slice(0, MAX_EMAIL);
  suggestionDismissed.value = false;
  emailCheck.value = null;
  clearTimeout(emailTimer);
  if (email.value === "") return;
  const seq = ++emailSeq;
  emailTimer = setTimeout(() => void checkEmailNow(seq).catch(() => undefined), CHECK_DELAY_MS);
}

export async function checkEmailNow(seq = ++emailSeq): Promise<EmailCheck | null> {
  const value = email.value;
  try {
    const answer = await kioskApi.checkContacts({ email: value });
    if (seq !== emailSeq || !answer.email) return null;
    emailCheck.value = answer.email;
    return answer.email;
  } catch (err) {
    if (seq === emailSeq) throw err;
    return null;
  }
}

export function setMobile(prefix: string, digits: string): void {
  mobilePrefix.value = prefix;
  mobileDigits.value = digits.replace(/\D/g, "").slice(0, MAX_MOBILE_DIGITS);
  mobileCheck.value = null;
  clearTimeout(mobileTimer);
  if (mobileDigits.value.length < 9) return;
  const seq = ++mobileSeq;
  mobileTimer = setTimeout(() => void checkMobileNow(seq).catch(() => undefined), CHECK_DELAY_MS);
}

export async function checkMobileNow(seq = ++mobileSeq): Promise<MobileCheck | null> {
  try {
    const answer = await kioskApi.checkContacts({ mobile: mobileE164.value });
    if (seq !== mobileSeq || !answer.mobile) return null;
    mobileCheck.value = answer.mobile;
    return answer.mobile;
  } catch (err) {
    if (seq === mobileSeq) throw err;
    return null;
  }
}

/** The address to enrol: the gateway's normalised form once checked. */
export const emailNormalized = computed(() => emailCheck.value?.normalized ?? email.value.trim().toLowerCase());
export const mobileNormalized = computed(() => mobileCheck.value?.e164 ?? mobileE164.value);

export function resetContacts(): void {
  emailSeq++;
  mobileSeq++;
  clearTimeout(emailTimer);
  clearTimeout(mobileTimer);
  choice.value = null;
  keepEmail.value = null;
  keepMobile.value = null;
  email.value = "";
  emailCheck.value = null;
  suggestionDismissed.value = false;
  mobilePrefix.value = "+48";
  mobileDigits.value = "";
  mobileCheck.value = null;
}
