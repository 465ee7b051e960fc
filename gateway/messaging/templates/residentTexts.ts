/**
 * What residents receive by email and SMS, in their language (pl, en, uk; Polish when unknown).
 * Sentences about channels come from the channel summary, how to withdraw from one source, and
 * an SMS notice carries a fixed essential text: anything an office writes goes by email or letter.
 */
import type { Config } from "../../config.ts";
import { channelLines, type Language } from "../../domain/channelSentences.ts";
import type { ChannelSummary } from "../../domain/channelSummary.ts";
import { measureSms, transliteratePolish } from "../../domain/smsText.ts";
import { withdrawalWays } from "../../domain/withdrawalWays.ts";

type Cooperative = Config["cooperative"];

export interface ResidentMessage {
  subject: string;
  text: string;
}

const localDate = (iso: string, timezone: string, language: Language) =>
  new Intl.DateTimeFormat(language === "uk" ? "uk-UA" : language === "en" ? "en-GB" : "pl-PL", {
    timeZone: timezone,
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(new Date(iso));

/** The one-time code (an SMS or an email), kept short: a code must fit one segment. */
export function codeText(language: Language, name: string, code: string, minutes: number): ResidentMessage {
  switch (language) {
    case "pl":
      return {
        subject: `Kod weryfikacyjny ${name}`,
        text: `Kod weryfikacyjny ${name}: ${code}. Ważny ${minutes} min.`,
      };
    case "en":
      return {
        subject: `Verification code ${name}`,
        text: `${name} verification code: ${code}. Valid ${minutes} min.`,
      };
    case "uk":
      return {
        subject: `Код підтвердження ${name}`,
        text: `Код підтвердження ${name}: ${code}. Дійсний ${minutes} хв.`,
      };
  }
}

export function enrolmentConfirmedText(
  language: Language,
  input: {
    flatLabel: string;
    from: string | null;
    summary: ChannelSummary;
    cooperative: Cooperative;
    timezone: string;
  },
): ResidentMessage {
  const when = input.from ? localDate(input.from, input.timezone, language) : "—";
  const lines = channelLines(input.summary, language).map((l) => `- ${l.text}`);
  const ways = withdrawalWays(language, input.cooperative.officeEmail);
  switch (language) {
    case "pl":
      return {
        subject: `Potwierdzenie zapisu do e-Korespondencji – ${input.flatLabel}`,
        text: [
          "Dzień dobry,",
          "",
          `potwierdzamy zapis lokalu ${input.flatLabel} do korespondencji elektronicznej ${input.cooperative.nameGenitive}.`,
          `Korespondencja elektroniczna zastąpi papierową od ${when}. Do tego dnia listy przychodzą pocztą.`,
          "Od tego dnia:",
          ...lines,
          ways,
        ].join("\n"),
      };
    case "en":
      return {
        subject: `Confirmation of your e-Korespondencja sign-up – ${input.flatLabel}`,
        text: [
          "Hello,",
          "",
          `we confirm that flat ${input.flatLabel} is signed up for electronic correspondence (${input.cooperative.name}).`,
          `Electronic correspondence replaces paper from ${when}. Until then letters come by post.`,
          "From that day:",
          ...lines,
          ways,
        ].join("\n"),
      };
    case "uk":
      return {
        subject: `Підтвердження запису на e-Korespondencja – ${input.flatLabel}`,
        text: [
          "Добрий день,",
          "",
          `підтверджуємо запис квартири ${input.flatLabel} на електронну кореспонденцію (${input.cooperative.name}).`,
          `Електронна кореспонденція замінить паперову з ${when}. До цього дня листи надходять поштою.`,
          "З цього дня:",
          ...lines,
          ways,
        ].join("\n"),
      };
  }
}

export function recipientReplacedText(language: Language, flatLabel: string, coop: Cooperative): ResidentMessage {
  switch (language) {
    case "pl":
      return {
        subject: `Zmiana odbiorcy korespondencji – ${flatLabel}`,
        text: `${coop.shortName}: od dziś korespondencję elektroniczną dla lokalu ${flatLabel} otrzymuje inny współwłaściciel. Pani/Pana dane kontaktowe nie będą już używane dla tego lokalu. Pytania: ${coop.officePhone}.`,
      };
    case "en":
      return {
        subject: `Change of correspondence recipient – ${flatLabel}`,
        text: `${coop.shortName}: from today another co-owner receives the electronic correspondence for flat ${flatLabel}. Your contact details will no longer be used for this flat. Questions: ${coop.officePhone}.`,
      };
    case "uk":
      return {
        subject: `Зміна отримувача кореспонденції – ${flatLabel}`,
        text: `${coop.shortName}: відтепер електронну кореспонденцію для квартири ${flatLabel} отримує інший співвласник. Ваші контактні дані більше не використовуватимуться. Питання: ${coop.officePhone}.`,
      };
  }
}

/** The first text that fits one segment (as GSM-7 after folding Polish letters, or as UCS-2). */
function oneSegment(candidates: string[]): string {
  const fits = (text: string) =>
    measureSms(text).segments === 1 || measureSms(transliteratePolish(text)).segments === 1;
  return candidates.find(fits) ?? candidates[candidates.length - 1];
}

/**
 * The SMS of an office rejection: fixed, essential, one segment in every language (the flat code
 * is not in it: it can be long). The office's reason goes by email or letter only.
 */
export function rejectionSms(language: Language, coop: Cooperative, reasonBy: "email" | "letter"): string {
  const phone = coop.officePhone;
  const name = coop.shortName;
  switch (language) {
    case "pl": {
      const where = reasonBy === "email" ? "Powód w e-mailu." : "Powód w liście.";
      return oneSegment([
        `${name}: nie przyjęliśmy zapisu do e-Korespondencji. ${where} Listy nadal pocztą. Tel. ${phone}`,
        `Nie przyjęliśmy zapisu do e-Korespondencji. ${where} Tel. ${phone}`,
      ]);
    }
    case "en": {
      const where = reasonBy === "email" ? "Reason by email." : "Reason by letter.";
      return oneSegment([
        `${name}: your e-correspondence sign-up was not accepted. ${where} Letters still by post. Tel. ${phone}`,
        `Your e-correspondence sign-up was not accepted. ${where} Tel. ${phone}`,
      ]);
    }
    case "uk": {
      const where = reasonBy === "email" ? "Причина в e-mail." : "Причина в листі.";
      return oneSegment([`${name}: запис не прийнято. ${where} ${phone}`, `Запис не прийнято. ${where} Тел. ${phone}`]);
    }
  }
}

/** The rejection with the office's own words: Polish first, then the resident's language. */
export function rejectionEmail(
  language: Language,
  input: { flatLabel: string; enrolledAt: string; reason: string; cooperative: Cooperative; timezone: string },
): ResidentMessage {
  const coop = input.cooperative;
  const pl = [
    "Dzień dobry,",
    "",
    `nie możemy przyjąć zgłoszenia do korespondencji elektronicznej dla lokalu ${input.flatLabel} z dnia ${localDate(input.enrolledAt, input.timezone, "pl")}.`,
    `Powód: ${input.reason}`,
    `Korespondencję nadal wysyłamy pocztą. Pytania: ${coop.officePhone}, ${coop.officeEmail}.`,
  ];
  const translated: Record<Exclude<Language, "pl">, string[]> = {
    en: [
      "Hello,",
      "",
      `we cannot accept the sign-up for electronic correspondence for flat ${input.flatLabel} of ${localDate(input.enrolledAt, input.timezone, "en")}.`,
      "The office's reason (in Polish) is above.",
      `We keep sending your correspondence by post. Questions: ${coop.officePhone}, ${coop.officeEmail}.`,
    ],
    uk: [
      "Добрий день,",
      "",
      `ми не можемо прийняти заяву на електронну кореспонденцію для квартири ${input.flatLabel} від ${localDate(input.enrolledAt, input.timezone, "uk")}.`,
      "Причину (польською) наведено вище.",
      `Кореспонденцію й надалі надсилаємо поштою. Питання: ${coop.officePhone}, ${coop.officeEmail}.`,
    ],
  };
  return {
    subject: `Zgłoszenie do e-Korespondencji nie zostało przyjęte – lokal ${input.flatLabel}`,
    text: language === "pl" ? pl.join("\n") : [...pl, "", "---", "", ...translated[language]].join("\n"),
  };
}
