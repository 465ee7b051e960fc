/** Contacts: the channels, the email on the kiosk keyboard, the mobile number on the keypad. */
import { useState } from "preact/hooks";
import { Button } from "../components/Button.tsx";
import { ChoiceGrid } from "../components/ChoiceGrid.tsx";
import { Display } from "../components/Display.tsx";
import { Frame } from "../components/Frame.tsx";
import { EMAIL_CHIPS, Keyboard } from "../components/Keyboard.tsx";
import { Keypad } from "../components/Keypad.tsx";
import split from "../components/KeypadSplit.module.css";
import { ValidationMessage } from "../components/ValidationMessage.tsx";
import { type MessageKey, t } from "../i18n/index.ts";
import {
  type ChannelChoice,
  channels,
  checkEmailNow,
  checkMobileNow,
  choice,
  currentContacts,
  email,
  emailCheck,
  groupDigits,
  keepEmail,
  keepMobile,
  mobileCheck,
  mobileDigits,
  mobilePrefix,
  setEmail,
  setMobile,
  suggestionDismissed,
} from "../models/contacts.ts";
import { emailFeedback, mobileFeedback } from "../models/feedback.ts";
import { back, go } from "../models/flow.ts";
import { guarded } from "../models/network.ts";
import { identified } from "../models/session.ts";
import { wipe } from "../models/wipe.ts";
import s from "./ContactScreens.module.css";

const CHOICES: ChannelChoice[] = ["both", "email", "sms"];

export function ChannelsScreen() {
  const who = identified.value;
  const status = who?.status;
  const current = [status?.email, status?.mobile].filter(Boolean).join(", ");
  return (
    <Frame title={t("channels.heading")} onBack={wipe} onCancel={wipe}>
      {who ? (
        <p class={s.greeting}>{t("channels.greeting", { name: `${who.owner.firstName} ${who.owner.surname}` })}</p>
      ) : null}
      {status?.enrolled && current ? <p>{t("channels.current", { contacts: current })}</p> : null}
      {status?.enrolled && !status.youAreRecipient ? (
        <p class={s.warning} role="note">
          {t("channels.replaceWarning")}
        </p>
      ) : null}
      <ChoiceGrid
        label={t("channels.heading")}
        selected={choice.value}
        choices={CHOICES.map((c) => ({
          key: c,
          label: t(`channels.${c}` as MessageKey),
          hint: t(`channels.${c}.hint` as MessageKey),
        }))}
        onChoose={(key) => {
          choice.value = key as ChannelChoice;
          go(channels.value.includes("email") ? "email" : "mobile");
        }}
      />
    </Frame>
  );
}

function afterEmail() {
  go(channels.value.includes("sms") ? "mobile" : "consent");
}

/** Keep the current contact (shown masked) or type a new one. */
function KeepChoice(props: {
  title: string;
  masked: string;
  unverified: boolean;
  keep: boolean | null;
  newLabel: string;
  onKeep: () => void;
  onNew: () => void;
}) {
  return (
    <Frame title={props.title} onBack={back} onCancel={wipe}>
      <ChoiceGrid
        label={props.title}
        selected={props.keep === true ? "keep" : null}
        choices={[
          {
            key: "keep",
            label: t("keep.keep"),
            hint: `${props.masked}${props.unverified ? ` (${t("summary.unverified")})` : ` – ${t("keep.noCode")}`}`,
          },
          { key: "new", label: props.newLabel },
        ]}
        onChoose={(key) => (key === "keep" ? props.onKeep() : props.onNew())}
      />
    </Frame>
  );
}

export function EmailScreen() {
  const [attempted, setAttempted] = useState(false);
  const feedback = emailFeedback(email.value, emailCheck.value, suggestionDismissed.value, attempted);
  const masked = currentContacts.value.email;
  if (masked && keepEmail.value !== false)
    return (
      <KeepChoice
        title={t("keep.emailHeading")}
        masked={masked}
        unverified={currentContacts.value.unverified.includes("email")}
        keep={keepEmail.value}
        newLabel={t("keep.newEmail")}
        onKeep={() => {
          keepEmail.value = true;
          afterEmail();
        }}
        onNew={() => {
          keepEmail.value = false;
        }}
      />
    );
  const next = () =>
    void guarded(async () => {
      setAttempted(true);
      const check = emailCheck.value ?? (await checkEmailNow());
      if (check?.valid && (!check.suggestion || suggestionDismissed.value)) afterEmail();
    });
  return (
    <Frame
      title={t("email.heading")}
      onBack={
        masked
          ? () => {
              keepEmail.value = null;
            }
          : back
      }
      onCancel={wipe}
      footer={
        <Button
          variant="primary"
          disabled={email.value.length < 3}
          blockedReason={
            feedback?.tone === "error"
              ? t("email.fixFirst")
              : feedback?.tone === "suggest"
                ? t("email.chooseFirst")
                : null
          }
          onClick={next}
          testId="next"
        >
          {t("nav.next")}
        </Button>
      }
    >
      <Display label={t("email.heading")} value={email.value} placeholder={t("email.placeholder")} />
      <ValidationMessage
        lines={2}
        tone={feedback?.tone ?? null}
        text={feedback ? `${t(feedback.key)}${feedback.tone === "suggest" ? ` ${feedback.suggestion}` : ""}` : ""}
      >
        {feedback?.tone === "suggest" ? (
          <>
            <Button variant="primary" onClick={() => setEmail(feedback.suggestion)} testId="use-suggestion">
              {t("email.useSuggestion")}
            </Button>
            {emailCheck.value?.valid ? (
              <Button
                onClick={() => {
                  suggestionDismissed.value = true;
                }}
                testId="keep-email"
              >
                {t("email.keepAsIs")}
              </Button>
            ) : null}
          </>
        ) : null}
      </ValidationMessage>
      <Keyboard
        layout="email"
        chips={EMAIL_CHIPS}
        chipsHidden={feedback?.tone === "suggest"}
        onText={(text) => setEmail(email.value + text)}
        onBackspace={() => setEmail(email.value.slice(0, -1))}
      />
    </Frame>
  );
}

export function MobileScreen() {
  const [attempted, setAttempted] = useState(false);
  const [editingPrefix, setEditingPrefix] = useState(false);
  const feedback = mobileFeedback(mobileDigits.value, mobileCheck.value, attempted);
  const masked = currentContacts.value.mobile;
  if (masked && keepMobile.value !== false)
    return (
      <KeepChoice
        title={t("keep.mobileHeading")}
        masked={masked}
        unverified={currentContacts.value.unverified.includes("sms")}
        keep={keepMobile.value}
        newLabel={t("keep.newMobile")}
        onKeep={() => {
          keepMobile.value = true;
          go("consent");
        }}
        onNew={() => {
          keepMobile.value = false;
        }}
      />
    );
  const next = () =>
    void guarded(async () => {
      setAttempted(true);
      if (mobileDigits.value.length < 6) return;
      const check = mobileCheck.value ?? (await checkMobileNow());
      if (check?.valid) go("consent");
    });
  const prefixDigits = mobilePrefix.value.slice(1);
  return (
    <Frame
      title={editingPrefix ? t("mobile.prefixHeading") : t("mobile.heading")}
      onBack={
        editingPrefix
          ? () => setEditingPrefix(false)
          : masked
            ? () => {
                keepMobile.value = null;
              }
            : back
      }
      onCancel={wipe}
      footer={
        editingPrefix ? (
          <Button variant="primary" disabled={prefixDigits.length === 0} onClick={() => setEditingPrefix(false)}>
            {t("nav.next")}
          </Button>
        ) : (
          <Button
            variant="primary"
            disabled={mobileDigits.value.length < 6}
            blockedReason={feedback?.tone === "error" && mobileCheck.value ? t("mobile.fixFirst") : null}
            onClick={next}
            testId="next"
          >
            {t("nav.next")}
          </Button>
        )
      }
    >
      <div class={split.layout}>
        <div class={split.side}>
          {editingPrefix ? (
            <Display label={t("mobile.prefix")} value={mobilePrefix.value} mono />
          ) : (
            <>
              <Display
                label={t("mobile.heading")}
                prefix={mobilePrefix.value}
                value={groupDigits(mobileDigits.value)}
                placeholder="600 100 200"
                mono
              />
              <ValidationMessage lines={3} tone={feedback?.tone ?? null} text={feedback ? t(feedback.key) : ""} />
              <div>
                <Button onClick={() => setEditingPrefix(true)} testId="change-prefix">
                  {t("mobile.changePrefix")}
                </Button>
              </div>
            </>
          )}
        </div>
        {editingPrefix ? (
          <Keypad
            onDigit={(d) => {
              if (prefixDigits.length < 3) setMobile(`+${prefixDigits}${d}`, mobileDigits.value);
            }}
            onBackspace={() => setMobile(`+${prefixDigits.slice(0, -1)}`, mobileDigits.value)}
            onClear={() => setMobile("+", mobileDigits.value)}
          />
        ) : (
          <Keypad
            onDigit={(d) => setMobile(mobilePrefix.value, mobileDigits.value + d)}
            onBackspace={() => setMobile(mobilePrefix.value, mobileDigits.value.slice(0, -1))}
            onClear={() => setMobile(mobilePrefix.value, "")}
          />
        )}
      </div>
    </Frame>
  );
}
