/**
 * Routing of one correspondence item: a pure function of the consent as of `generated_at`,
 * the category, the policy and the contacts' health. Every channel decision carries a reason.
 */
import { type Category, type CategoryChannels, type Channel, type ElectronicChannel, isLetter } from "./categories.ts";
import type { FlatConsent } from "./consentState.ts";
import { zoneOffsetAt } from "./officeDate.ts";

export interface RoutingPolicy {
  /** Electronic sending applies to correspondence generated on or after this date (YYYY-MM-DD). */
  electronicStartDate: string;
  /** "Wezwania do zapłaty … wysyłane będą na dotychczasowych zasadach": demands stay on paper. */
  paymentDemandsOnPaper: boolean;
  categoryChannels: CategoryChannels;
  /** The cooperative's zone; the start date begins at local midnight there. */
  timezone: string;
}

/** Why a channel was or was not used: every decision in an answer carries one. */
export const REASON_CODES = [
  "before_electronic_start",
  "payment_demand_on_paper",
  "no_consent",
  "withdrawn",
  "rejected_by_office",
  "grace_period",
  "contact_failing",
  "no_contact",
  "consented",
  "no_electronic_channel",
  "sms_only_category",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface ChannelDecision {
  channel: Channel;
  send: boolean;
  reason: ReasonCode;
}

export interface RoutingResult {
  /** Where the item actually goes; may be empty for an SMS-only notice without consent. */
  channels: Channel[];
  decisions: ChannelDecision[];
  /** The office should know (a failing contact made a letter fall back to paper). */
  notifyOffice: boolean;
  /** Contacts whose failure forced the fallback, to warn the resident on the other channel. */
  failingChannels: ElectronicChannel[];
}

const midnights = new Map<string, number>();

/** Midnight of `date` in `timezone` as a UTC instant (memoised: Intl formatters are costly to build). */
export function localMidnight(date: string, timezone: string): number {
  const key = `${date}|${timezone}`;
  let value = midnights.get(key);
  if (value === undefined) {
    value = computeLocalMidnight(date, timezone);
    if (midnights.size > 10_000) midnights.clear();
    midnights.set(key, value);
  }
  return value;
}

/** One local day `date` in `timezone` as ISO instants: from its midnight (inclusive) to the next (exclusive). */
export function localDay(date: string, timezone: string): { from: string; to: string } {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    from: new Date(localMidnight(date, timezone)).toISOString(),
    to: new Date(localMidnight(next, timezone)).toISOString(),
  };
}

function computeLocalMidnight(date: string, timezone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const guess = utcMidnight - zoneOffsetAt(utcMidnight, timezone);
  return utcMidnight - zoneOffsetAt(guess, timezone);
}

export function routeCorrespondence(
  item: { category: Category; generatedAt: string },
  consent: FlatConsent,
  policy: RoutingPolicy,
): RoutingResult {
  const table = policy.categoryChannels[item.category];
  const letter = isLetter(policy.categoryChannels, item.category);
  const paperOnly = (reason: ReasonCode): RoutingResult => ({
    channels: letter ? ["paper"] : [],
    decisions: [
      ...table.map((channel) => ({ channel, send: false, reason })),
      letter
        ? { channel: "paper" as const, send: true, reason }
        : { channel: "paper" as const, send: false, reason: "sms_only_category" as const },
    ],
    notifyOffice: false,
    failingChannels: [],
  });

  const generated = Date.parse(item.generatedAt);
  if (generated < localMidnight(policy.electronicStartDate, policy.timezone))
    return paperOnly("before_electronic_start");
  if (item.category === "payment_demand" && policy.paymentDemandsOnPaper) return paperOnly("payment_demand_on_paper");
  if (consent.status === "rejected") return paperOnly("rejected_by_office");
  if (consent.status === "none") return paperOnly("no_consent");

  const decisions: ChannelDecision[] = [];
  const failingChannels: ElectronicChannel[] = [];
  for (const channel of table) {
    const state = consent.channels[channel];
    const address = channel === "email" ? consent.email : consent.mobile;
    if (!state.consented) {
      decisions.push({ channel, send: false, reason: consent.status === "withdrawn" ? "withdrawn" : "no_consent" });
    } else if (!address) {
      decisions.push({ channel, send: false, reason: "no_contact" });
    } else if (state.paperUntil && generated < Date.parse(state.paperUntil)) {
      decisions.push({ channel, send: false, reason: "grace_period" });
    } else if (state.health === "failing") {
      decisions.push({ channel, send: false, reason: "contact_failing" });
      failingChannels.push(channel);
    } else {
      decisions.push({ channel, send: true, reason: "consented" });
    }
  }

  const electronic = decisions.filter((d) => d.send).map((d) => d.channel);
  // A letter must reach the person: without email it goes on paper, even if an SMS went out.
  const emailSent = electronic.includes("email");
  const needsPaper = letter && !emailSent;
  if (letter) {
    const why = decisions.find((d) => d.channel === "email" && !d.send)?.reason ?? "no_electronic_channel";
    decisions.push({ channel: "paper", send: needsPaper, reason: needsPaper ? why : "consented" });
  } else {
    decisions.push({ channel: "paper", send: false, reason: "sms_only_category" });
  }
  return {
    channels: needsPaper ? [...electronic, "paper"] : electronic,
    decisions,
    notifyOffice: failingChannels.length > 0,
    failingChannels,
  };
}
