/**
 * Where each category of correspondence goes for a given set of consents, once the paper period
 * is over: the same category→channel table and policy the router uses, with no dates and no
 * contact health. Every sentence about channels (kiosk, slip, email, SMS) is rendered from this.
 */
import {
  CATEGORIES,
  type Category,
  type CategoryChannels,
  type Channel,
  type ElectronicChannel,
} from "./categories.ts";

export type ChannelConsents = Record<ElectronicChannel, boolean>;

export interface SummaryPolicy {
  categoryChannels: CategoryChannels;
  paymentDemandsOnPaper: boolean;
}

/** Per category, the channels it goes by (empty: the resident does not receive it at all). */
export type ChannelSummary = Record<Category, Channel[]>;

export function channelSummary(consents: ChannelConsents, policy: SummaryPolicy): ChannelSummary {
  const out = {} as ChannelSummary;
  for (const category of CATEGORIES) {
    const table = policy.categoryChannels[category];
    const letter = table.includes("email");
    if (category === "payment_demand" && policy.paymentDemandsOnPaper) {
      out[category] = letter ? ["paper"] : [];
      continue;
    }
    const electronic = table.filter((channel) => consents[channel]);
    // A letter must reach the person: without email it goes on paper, even if an SMS goes out.
    out[category] = letter && !electronic.includes("email") ? [...electronic, "paper"] : electronic;
  }
  return out;
}

/** Categories that go by `channel` (or, for "none", that the resident does not receive). */
export function categoriesVia(summary: ChannelSummary, channel: Channel | "none"): Category[] {
  return CATEGORIES.filter((c) => (channel === "none" ? summary[c].length === 0 : summary[c].includes(channel)));
}

/** The consents left after withdrawing `what` from `current`. */
export function consentsAfterWithdrawal(
  current: ElectronicChannel[],
  what: ElectronicChannel[] | "all",
): ChannelConsents {
  const left = what === "all" ? [] : current.filter((c) => !what.includes(c));
  return { email: left.includes("email"), sms: left.includes("sms") };
}

/** The four combinations of consents, keyed as the kiosk asks for them. */
export const CONSENT_COMBINATIONS: Record<"email+sms" | "email" | "sms" | "none", ChannelConsents> = {
  "email+sms": { email: true, sms: true },
  email: { email: true, sms: false },
  sms: { email: false, sms: true },
  none: { email: false, sms: false },
};
export type ConsentCombination = keyof typeof CONSENT_COMBINATIONS;

export function combinationOf(consents: ChannelConsents): ConsentCombination {
  if (consents.email && consents.sms) return "email+sms";
  if (consents.email) return "email";
  if (consents.sms) return "sms";
  return "none";
}
