/** Correspondence categories named in the announcement, and its category→channel table. */
export const CATEGORIES = [
  "water_bill",
  "fee_change",
  "payment_reminder",
  "payment_demand",
  "other_letter",
  "outage",
  "utility_interruption",
  "building_notice",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const ELECTRONIC_CHANNELS = ["email", "sms"] as const;
export type ElectronicChannel = (typeof ELECTRONIC_CHANNELS)[number];
export type Channel = ElectronicChannel | "paper";

export type CategoryChannels = Record<Category, ElectronicChannel[]>;

/**
 * The announcement's table: bills, fee changes, demands and other letters by email; payment
 * reminders by email and SMS; outages, interruptions and building notices by SMS.
 */
export const ANNOUNCEMENT_CHANNELS: CategoryChannels = {
  water_bill: ["email"],
  fee_change: ["email"],
  payment_reminder: ["email", "sms"],
  payment_demand: ["email"],
  other_letter: ["email"],
  outage: ["sms"],
  utility_interruption: ["sms"],
  building_notice: ["sms"],
};

/** A letter is correspondence that also exists on paper; SMS-only notices do not. */
export function isLetter(table: CategoryChannels, category: Category): boolean {
  return table[category].includes("email");
}
