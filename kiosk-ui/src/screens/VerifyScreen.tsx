/** Verify: type the one-time code; resend after a visible cool-down; or finish without it. */
import { useEffect, useState } from "preact/hooks";
import { Button } from "../components/Button.tsx";
import { Display } from "../components/Display.tsx";
import { Frame } from "../components/Frame.tsx";
import { Keypad } from "../components/Keypad.tsx";
import split from "../components/KeypadSplit.module.css";
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
  // The contact checked just before this one: said out loud, so the resident knows that code worked.
  const before = items.value[current.value - 1];
  const previousOk = before?.state === "verified" && code.value === "" && !verifyError.value;
  const waitSeconds = Math.max(0, Math.ceil((item.resendAt - Date.now()) / 1000));
  const sending = item.state === "sending";
  const total = items.value.length;
  return (
    <Frame
      key={current.value}
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
      <div class={split.layout}>
        <div class={split.side}>
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
            lines={2}
            tone={verifyError.value ? "error" : previousOk ? "ok" : null}
            text={
              verifyError.value
                ? errorText(verifyError.value)
                : previousOk
                  ? t(before.channel === "email" ? "verify.emailOk" : "verify.smsOk")
                  : ""
            }
          />
          <div class={s.actions}>
            <Button
              disabled={verifyBusy.value || sending}
              busy={waitSeconds > 0}
              // Figure spaces keep the countdown as wide at 9 s as at 30 s.
              busyLabel={t("verify.resendIn", { seconds: String(waitSeconds).padStart(2, "\u2007") })}
              onClick={() => void send()}
              testId="verify-resend"
            >
              {t("verify.resend")}
            </Button>
            <Button onClick={cannotReceive} hint={t("verify.cannotReceive.hint")} keepHint testId="verify-skip">
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
