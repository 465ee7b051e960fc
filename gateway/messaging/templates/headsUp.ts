/** Polish heads-up texts: "the other channel of yours does not receive our messages". */
import type { Config } from "../../config.ts";
import { maskEmail, maskMobile } from "../../domain/contacts.ts";

export interface HeadsUp {
  subject?: string;
  text: string;
}

/**
 * `failing` is the channel that stopped working; the heads-up goes out on the other one.
 * SMS text stays short (it is UCS-2 because of the diacritics).
 */
export function headsUpText(failing: "email" | "sms", contact: string, config: Config): HeadsUp {
  const coop = config.cooperative;
  if (failing === "email") {
    return {
      text: `${coop.shortName}: Twój adres e-mail ${maskEmail(contact)} nie przyjmuje naszych listów; zaktualizuj go w kiosku w siedzibie Spółdzielni. Do tego czasu listy wysyłamy pocztą. Tel. ${coop.officePhone}`,
    };
  }
  return {
    subject: "Twój numer telefonu nie odbiera naszych SMS-ów",
    text: [
      "Dzień dobry,",
      "",
      `numer telefonu ${maskMobile(contact)}, podany dla korespondencji ${coop.name}, nie odbiera naszych SMS-ów (wyłączony telefon, pełna skrzynka SMS lub nieaktualny numer).`,
      "Prosimy o aktualizację numeru w kiosku w siedzibie Spółdzielni.",
      `Pytania: ${coop.officePhone}, ${coop.officeEmail}.`,
    ].join("\n"),
  };
}
