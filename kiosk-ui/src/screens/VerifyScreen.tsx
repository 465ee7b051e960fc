/** Verify: type the one-time code; resend after a visible cool-down; or finish without it. */
import { useEffect, useState } from "preact/hooks";
import { Button } from "../components/Button.tsx";
import { Display } from "../components/Display.tsx";
import { Frame } from "../components/Frame.tsx";
import { Keypad } from "../components/Keypad.tsx";
import { ValidationMessage } from "../components/ValidationMessage.tsx";
import { t } from "../i18n/index.ts";
import { groupDigits } from "../models/contacts.ts";
import { back } from "../models/flow.ts";
import {
  CODE_LENGTH,
  cannotReceive,
  code,
  confirm,
  current,
  currentItem,
  items,
  send,
  type VerifyError,
  verifyBusy,
  verifyError,
} from "../models/verify.ts";
import { wipe } from "../models/wipe.ts";
import s from "./VerifyScreen.module.css";

function errorText(error: VerifyError): string {
  switch (error.kind) {
    case "wrong":
      return t("verify.wrong", { n: error.attemptsLeft });
    case "expired":
      return t("verify.expired");
    case "used":
      return t("verify.used");
    case "tooMany":
      return t("verify.tooMany");
    case "rateLimited":
      return t("verify.rateLimited", { seconds: error.seconds });
    default:
      return t("error.generic");
  }
}

/** `+48600100200` → `+48 600 100 200` for reading it back to the resident. */
export function readableMobile(e164: string): string {
  const pl = /^\+48(\d{9})$/.exec(e164);
  return pl ? `+48 ${groupDigits(pl[1])}` : e164;
}

export function VerifyScreen() {
  // Re-render twice a second so the resend countdown moves.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, []);
  const item = currentItem.value;
  if (!item) return null;
  const waitSeconds = Math.max(0, Math.ceil((item.resendAt - Date.now()) / 1000));
  const sending = item.state === "sending";
  const total = items.value.length;
  return (
    <Frame
      title={
        total > 1
          ? `${t("verify.heading")} · ${t("verify.step", { current: current.value + 1, total })}`
          : t("verify.heading")
      }
      onBack={back}
      onCancel={wipe}
      footer={
        <Button
          variant="primary"
          disabled={verifyBusy.value || sending || code.value.length !== CODE_LENGTH}
          onClick={() => void confirm()}
          testId="verify-confirm"
        >
          {t("verify.confirm")}
        </Button>
      }
    >
      <div class={s.split}>
        <div class={s.side}>
          <p class={s.sent} data-testid="verify-target">
            {sending
              ? t("verify.sending")
              : item.channel === "sms"
                ? t("verify.sentSms", { to: readableMobile(item.to) })
                : t("verify.sentEmail", { to: item.to })}
          </p>
          <Display
            label={t("verify.heading")}
            value={code.value.replace(/(\d{3})(?=\d)/g, "$1 ")}
            placeholder="_ _ _ _ _ _"
            mono
          />
          <ValidationMessage
            tone={verifyError.value ? "error" : null}
            text={verifyError.value ? errorText(verifyError.value) : ""}
          />
          <div class={s.actions}>
            <Button
              disabled={verifyBusy.value || sending || waitSeconds > 0}
              onClick={() => void send()}
              testId="verify-resend"
            >
              {waitSeconds > 0 ? t("verify.resendIn", { seconds: waitSeconds }) : t("verify.resend")}
            </Button>
            <Button onClick={cannotReceive} hint={t("verify.cannotReceive.hint")} testId="verify-skip">
              {t("verify.cannotReceive")}
            </Button>
          </div>
        </div>
        <Keypad
          disabled={verifyBusy.value || sending}
          onDigit={(d) => {
            if (code.value.length < CODE_LENGTH) code.value += d;
          }}
          onBackspace={() => {
            code.value = code.value.slice(0, -1);
          }}
          onClear={() => {
            code.value = "";
          }}
        />
      </div>
    </Frame>
  );
}
