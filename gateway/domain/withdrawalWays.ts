/**
 * How a resident withdraws consent: one source for the consent text, the slip and the
 * confirmation email, so no two places disagree. The kiosk button is named exactly as the kiosk
 * labels it (`start.withdraw` in the kiosk catalogues; a test keeps them equal).
 */
import type { Language } from "./channelSentences.ts";

export const WITHDRAW_BUTTON: Record<Language, string> = { pl: "Zrezygnuj", en: "Opt out", uk: "Відмовитися" };

/** The quotation marks each language uses around a button's name. */
export const QUOTE: Record<Language, [string, string]> = { pl: ["„", "”"], en: ["“", "”"], uk: ["«", "»"] };

const quoted = (language: Language, text: string) => `${QUOTE[language][0]}${text}${QUOTE[language][1]}`;

/** One sentence: the kiosk button, the office (also by email), and STOP for text messages. */
export function withdrawalWays(language: Language, officeEmail: string): string {
  const button = quoted(language, WITHDRAW_BUTTON[language]);
  switch (language) {
    case "pl":
      return `Zgodę można wycofać w każdej chwili, równie łatwo jak ją wyrażono: w kiosku (przycisk ${button}), w biurze Spółdzielni lub e-mailem do biura (${officeEmail}). Same SMS-y wyłączy odpowiedź SMS o treści STOP.`;
    case "en":
      return `You can withdraw consent at any time, as easily as you gave it: at the kiosk (the ${button} button), at the cooperative's office or by email to the office (${officeEmail}). Replying STOP to a text message stops text messages only.`;
    case "uk":
      return `Згоду можна відкликати будь-коли так само легко, як її надано: у кіоску (кнопка ${button}), в офісі кооперативу або e-mail до офісу (${officeEmail}). Відповідь SMS зі словом STOP вимикає лише SMS.`;
  }
}

/** Names in a language's quotation marks in a text (buttons the text tells the reader to press). */
export function quotedNames(text: string, language: Language): string[] {
  const [open, close] = QUOTE[language];
  return [...text.matchAll(new RegExp(`${open}([^${close}${open}]+)${close}`, "g"))].map((m) => m[1] ?? "");
}
