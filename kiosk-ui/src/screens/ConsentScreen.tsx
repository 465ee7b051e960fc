/** Consent: the versioned legal text from config and explicit, unticked consents. */
import { Button } from "../components/Button.tsx";
import { Checkbox } from "../components/Checkbox.tsx";
import { Frame } from "../components/Frame.tsx";
import { lang, t } from "../i18n/index.ts";
import { consentComplete, emailConsent, processing, smsConsent } from "../models/consent.ts";
import { channels } from "../models/contacts.ts";
import { back } from "../models/flow.ts";
import { config } from "../models/kiosk.ts";
import { startVerify } from "../models/verify.ts";
import { wipe } from "../models/wipe.ts";
import s from "./ConsentScreen.module.css";

export function ConsentScreen() {
  const consent = config.value?.consent;
  const texts = consent?.texts[lang.value] ?? consent?.texts.pl;
  const wants = channels.value;
  return (
    <Frame
      title={t("consent.heading")}
      onBack={back}
      onCancel={wipe}
      footer={
        <>
          {consentComplete.value ? null : <span class={s.required}>{t("consent.required")}</span>}
          <Button variant="primary" disabled={!consentComplete.value} onClick={startVerify} testId="next">
            {t("nav.next")}
          </Button>
        </>
      }
    >
      <Checkbox checked={processing.value} onChange={(v) => (processing.value = v)} testId="consent-processing">
        {texts?.processing ?? t("consent.processing")}
      </Checkbox>
      {wants.includes("email") ? (
        <Checkbox checked={emailConsent.value} onChange={(v) => (emailConsent.value = v)} testId="consent-email">
          {texts?.email ?? t("consent.email")}
        </Checkbox>
      ) : null}
      {wants.includes("sms") ? (
        <Checkbox checked={smsConsent.value} onChange={(v) => (smsConsent.value = v)} testId="consent-sms">
          {texts?.sms ?? t("consent.sms")}
        </Checkbox>
      ) : null}
      {texts ? (
        <section class={s.legal}>
          <h2 class={s.legalHeading}>{t("consent.controller")}</h2>
          <p>{texts.controller}</p>
          <h2 class={s.legalHeading}>{t("consent.withdrawal")}</h2>
          <p>{texts.withdrawal}</p>
          <p class={s.version}>{t("consent.version", { version: consent?.version ?? "" })}</p>
        </section>
      ) : null}
    </Frame>
  );
}
