/**
 * The consent text shown at the kiosk, versioned (config `consent.version`). Polish is the legal
 * text; English and Ukrainian are translations for understanding.
 */
import { withdrawalWays } from "./withdrawalWays.ts";

export interface ConsentTexts {
  controller: string;
  processing: string;
  email: string;
  sms: string;
  withdrawal: string;
}

export function consentTexts(cooperative: {
  name: string;
  address: string;
  officeEmail: string;
  officePhone: string;
}): Record<"pl" | "en" | "uk", ConsentTexts> {
  const { name, address, officeEmail, officePhone } = cooperative;
  return {
    pl: {
      controller: `Administratorem danych osobowych jest ${name}, ${address} (e-mail: ${officeEmail}, tel. ${officePhone}). Dane (adres e-mail, numer telefonu komórkowego) przetwarzamy wyłącznie w celu przesyłania korespondencji dotyczącej lokalu, na podstawie Pani/Pana zgody (art. 6 ust. 1 lit. a RODO), do czasu jej wycofania. Przysługuje Pani/Panu prawo dostępu do danych, ich sprostowania, usunięcia, ograniczenia przetwarzania oraz skargi do Prezesa UODO.`,
      processing:
        "Wyrażam zgodę na przetwarzanie mojego adresu e-mail i numeru telefonu komórkowego przez Spółdzielnię w celu przesyłania korespondencji dotyczącej lokalu.",
      email:
        "Wyrażam zgodę na otrzymywanie korespondencji (rachunki, informacje o opłatach, przypomnienia i inne pisma) pocztą elektroniczną.",
      sms: "Wyrażam zgodę na otrzymywanie wiadomości SMS (przypomnienia o płatnościach, informacje o awariach i sprawach budynku).",
      withdrawal: `${withdrawalWays("pl", officeEmail)} Wycofanie zgody nie wpływa na zgodność z prawem przetwarzania sprzed wycofania.`,
    },
    en: {
      controller: `The data controller is ${name}, ${address} (email: ${officeEmail}, phone ${officePhone}). Your email address and mobile number are processed only to send you correspondence about your flat, on the basis of your consent (GDPR art. 6(1)(a)), until you withdraw it. You have the right of access, rectification, erasure, restriction and to lodge a complaint with the supervisory authority (UODO).`,
      processing:
        "I consent to the cooperative processing my email address and mobile number to send me correspondence about my flat.",
      email: "I consent to receiving correspondence (bills, fee notices, reminders and other letters) by email.",
      sms: "I consent to receiving text messages (payment reminders, outages and building notices).",
      withdrawal: `${withdrawalWays("en", officeEmail)} Withdrawal does not affect processing before it.`,
    },
    uk: {
      controller: `Адміністратором персональних даних є ${name}, ${address} (e-mail: ${officeEmail}, тел. ${officePhone}). Ваша адреса e-mail і номер мобільного телефону обробляються лише для надсилання кореспонденції щодо квартири на підставі Вашої згоди (ст. 6(1)(a) GDPR) до її відкликання. Ви маєте право на доступ, виправлення, видалення, обмеження обробки та скаргу до наглядового органу (UODO).`,
      processing:
        "Я погоджуюся на обробку моєї адреси e-mail і номера мобільного телефону кооперативом для надсилання кореспонденції щодо квартири.",
      email:
        "Я погоджуюся отримувати кореспонденцію (рахунки, інформацію про оплати, нагадування та інші листи) електронною поштою.",
      sms: "Я погоджуюся отримувати SMS (нагадування про оплату, інформацію про аварії та справи будинку).",
      withdrawal: `${withdrawalWays("uk", officeEmail)} Відкликання не впливає на законність обробки до нього.`,
    },
  };
}
