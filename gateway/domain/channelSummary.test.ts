import { describe, expect, it } from "vitest";
import { ANNOUNCEMENT_CHANNELS, CATEGORIES, type Category, type CategoryChannels, type Channel } from "./categories.ts";
import { CATEGORY_LABELS, channelLines, LANGUAGES, type Language, VIA_LABELS } from "./channelSentences.ts";
import {
  type ChannelConsents,
  CONSENT_COMBINATIONS,
  channelSummary,
  consentsAfterWithdrawal,
} from "./channelSummary.ts";
import { emptyConsent, type FlatConsent } from "./consentState.ts";
import { type RoutingPolicy, routeCorrespondence } from "./routing.ts";

const policies: Array<[string, RoutingPolicy]> = [
  [
    "the announcement",
    {
      electronicStartDate: "2021-09-01",
      paymentDemandsOnPaper: true,
      categoryChannels: ANNOUNCEMENT_CHANNELS,
      timezone: "Europe/Warsaw",
    },
  ],
  [
    "a cooperative that sends demands electronically and outages by email too",
    {
      electronicStartDate: "2021-09-01",
      paymentDemandsOnPaper: false,
      categoryChannels: { ...ANNOUNCEMENT_CHANNELS, outage: ["email", "sms"] } as CategoryChannels,
      timezone: "Europe/Warsaw",
    },
  ],
];

/** A flat whose paper period is over, with healthy contacts, consenting to `consents`. */
function consentOf(consents: ChannelConsents, status: FlatConsent["status"]): FlatConsent {
  const state = emptyConsent("F1");
  state.status = status;
  state.email = "jan@wp.pl";
  state.mobile = "+48600100200";
  state.channels.email.consented = consents.email;
  state.channels.sms.consented = consents.sms;
  return state;
}

/** Reads a rendered sentence back: which channels does it name for each category? */
function whatTheTextSays(language: Language, lines: string[]): Record<Category, Channel[]> {
  const says = Object.fromEntries(CATEGORIES.map((c) => [c, [] as Channel[]])) as Record<Category, Channel[]>;
  for (const line of lines) {
    const via = (Object.keys(VIA_LABELS[language]) as Array<Channel | "none">).find((v) =>
      line.startsWith(`${VIA_LABELS[language][v]}: `),
    );
    if (!via) throw new Error(`a line names no channel: ${line}`);
    const list = line.slice(VIA_LABELS[language][via].length + 2).replace(/\.$/, "");
    for (const label of list.split(", ")) {
      const category = CATEGORIES.find((c) => CATEGORY_LABELS[language][c] === label);
      if (!category) throw new Error(`unknown category "${label}" in: ${line}`);
      if (via !== "none") says[category].push(via);
    }
  }
  return says;
}

describe("every sentence about channels says what the router does", () => {
  for (const [name, policy] of policies) {
    for (const [combination, consents] of Object.entries(CONSENT_COMBINATIONS)) {
      for (const status of ["active", "withdrawn", "none"] as const) {
        if (status !== "active" && (consents.email || consents.sms)) continue;
        for (const language of LANGUAGES) {
          it(`says in ${language} where each category goes with ${combination} (${status}) under ${name}`, () => {
            const lines = channelLines(channelSummary(consents, policy), language).map((l) => l.text);
            const says = whatTheTextSays(language, lines);
            for (const category of CATEGORIES) {
              const routed = routeCorrespondence(
                { category, generatedAt: "2026-06-01T10:00:00Z" },
                consentOf(consents, status),
                policy,
              ).channels;
              expect({ category, channels: [...says[category]].sort() }).toEqual({
                category,
                channels: [...routed].sort(),
              });
            }
          });
        }
      }
    }
  }

  it("never promises paper for outages, interruptions or building notices", () => {
    const summary = channelSummary(consentsAfterWithdrawal(["email", "sms"], "all"), policies[0][1]);
    const lines = channelLines(summary, "pl");
    const paper = lines.find((l) => l.via === "paper");
    expect(paper?.categories).not.toContain("outage");
    expect(lines.find((l) => l.via === "none")?.text).toBe(
      "Nie będą wysyłane (są tylko SMS-em): awarie, przerwy w dostawie mediów, komunikaty o budynku.",
    );
  });

  it("after withdrawing SMS only, keeps letters by email and names what is lost", () => {
    const summary = channelSummary(consentsAfterWithdrawal(["email", "sms"], ["sms"]), policies[0][1]);
    expect(channelLines(summary, "pl").map((l) => l.text)).toEqual([
      "E-mailem: rachunki za wodę, informacje o zmianie opłat, przypomnienia o płatnościach, inna korespondencja.",
      "Pocztą: wezwania do zapłaty.",
      "Nie będą wysyłane (są tylko SMS-em): awarie, przerwy w dostawie mediów, komunikaty o budynku.",
    ]);
  });
});
