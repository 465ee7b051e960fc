import { describe, expect, it } from "vitest";
import { catalogues } from "../../kiosk-ui/src/i18n/index.ts";
import { validateConfig } from "../config.ts";
import { SAMPLE_INPUT } from "../receipts/fixtures.ts";
import { layoutSlip, slipContextOf } from "../receipts/layout.ts";
import { buildSignedReceipt } from "../receipts/receiptData.ts";
import { LANGUAGES, type Language } from "./channelSentences.ts";
import { consentTexts } from "./consentText.ts";
import { quotedNames, WITHDRAW_BUTTON, withdrawalWays } from "./withdrawalWays.ts";

const config = validateConfig({ dataDir: "/tmp/unused" });

function slipText(language: Language, action: "enrolment" | "update" | "withdrawal"): string {
  const data = buildSignedReceipt({ ...SAMPLE_INPUT, language, action }, "K1-000001", config.timezone);
  return layoutSlip(data, "EK1.X.", slipContextOf(config))
    .blocks.map((b) => (b.kind === "text" ? b.text : b.kind === "field" ? `${b.label} ${b.value}` : ""))
    .join("\n");
}

/** Every text a resident reads that may tell them to press something, per language. */
function textsIn(language: Language): string[] {
  return [
    ...Object.values(consentTexts(config.cooperative)[language]),
    withdrawalWays(language, config.cooperative.officeEmail),
    slipText(language, "enrolment"),
    slipText(language, "update"),
    ...Object.values(catalogues[language]),
  ];
}

describe("how to withdraw, said the same way everywhere", () => {
  it("names the kiosk's withdraw button exactly as the kiosk labels it", () => {
    for (const language of LANGUAGES) expect(WITHDRAW_BUTTON[language]).toBe(catalogues[language]["start.withdraw"]);
  });

  // A slip in English also carries the binding Polish text: each quoted name is checked against
  // the catalogue of the language its quotation marks belong to.
  const everyText = LANGUAGES.flatMap(textsIn);
  for (const language of LANGUAGES) {
    it(`names only buttons that exist in the ${language} kiosk catalogue`, () => {
      const labels = new Set(Object.values(catalogues[language]));
      const named = everyText.flatMap((text) => quotedNames(text, language));
      expect(named.length).toBeGreaterThan(0);
      for (const name of named) expect(labels, `"${name}" is not a kiosk button`).toContain(name);
    });
  }

  it("gives the same ways in the consent text and on the slip", () => {
    const ways = withdrawalWays("pl", config.cooperative.officeEmail);
    expect(consentTexts(config.cooperative).pl.withdrawal).toContain(ways);
    expect(slipText("pl", "enrolment")).toContain(ways.slice(0, 60));
    expect(ways).toContain("„Zrezygnuj”");
    expect(ways).toContain("STOP");
    expect(ways).toContain(config.cooperative.officeEmail);
  });
});
