/** The SMS that tells a resident their email box is full (their part of the deal). */
import type { Config } from "../../config.ts";
import { maskEmail } from "../../domain/contacts.ts";

export function mailboxFullText(email: string, config: Config): string {
  const coop = config.cooperative;
  return `${coop.shortName}: skrzynka e-mail ${maskEmail(email)} jest pełna i nie przyjęła naszego listu. Zrób w niej miejsce. Ten list wyślemy pocztą. Tel. ${coop.officePhone}`;
}
