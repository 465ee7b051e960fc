/** Withdraw: SMS only, email only, or everything; takes effect immediately. Also "check my status". */

import type { StatusView } from "../api/types.ts";
import { Button } from "../components/Button.tsx";
import { ChoiceGrid } from "../components/ChoiceGrid.tsx";
import { Frame } from "../components/Frame.tsx";
import { formatDate, type MessageKey, t } from "../i18n/index.ts";
import { channelLines } from "../models/channelTexts.ts";
import { back, go, mode } from "../models/flow.ts";
import { identified } from "../models/session.ts";
import { chooseWithdrawal, submitting, submitWithdrawal, withdrawChoice } from "../models/submit.ts";
import { wipe } from "../models/wipe.ts";
import { SubmitErrorMessage } from "./SubmitErrorMessage.tsx";
import s from "./WithdrawScreens.module.css";

function StatusBox(props: { status: StatusView }) {
  const st = props.status;
  return (
    <section class={s.status} data-testid="status-box" data-status={st.status}>
      <p class={s.state}>{t(`status.${st.status}` as MessageKey)}</p>
      {st.enrolled ? <p>{st.youAreRecipient ? t("status.youRecipient") : t("status.otherRecipient")}</p> : null}
      {st.email ? (
        <p class={s.contact} data-testid="status-email">
          ✉ {st.email}
          {st.electronicFrom.email ? (
            <span> · {t("status.emailFrom", { date: formatDate(st.electronicFrom.email) })}</span>
          ) : null}
        </p>
      ) : null}
      {st.mobile ? (
        <p class={s.contact} data-testid="status-mobile">
          ✆ {st.mobile}
          {st.electronicFrom.sms ? (
            <span> · {t("status.smsFrom", { date: formatDate(st.electronicFrom.sms) })}</span>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

/** Contacts from a paper form were never checked: the update flow verifies them by one-time codes. */
function verifyContacts(): void {
  mode.value = "update";
  go("channels");
}

export function StatusScreen() {
  const who = identified.value;
  return (
    <Frame
      title={t("status.heading")}
      onBack={wipe}
      footer={
        <Button variant="primary" onClick={wipe} testId="status-finish">
          {t("nav.finish")}
        </Button>
      }
    >
      <p class={s.flat}>{who?.flat.label}</p>
      {who ? <StatusBox status={who.status} /> : null}
      {who?.status.youAreRecipient && (who.status.unverified?.length ?? 0) > 0 ? (
        <section class={s.status} data-testid="status-unverified">
          <p>{t("status.unverified")}</p>
          <Button variant="primary" onClick={verifyContacts} testId="status-verify">
            {t("status.verifyNow")}
          </Button>
        </section>
      ) : null}
    </Frame>
  );
}

export function WithdrawScreen() {
  const who = identified.value;
  const status = who?.status;
  const active = status?.status === "active" ? status.channels : [];
  const choices = [
    ...(active.length > 1
      ? [
          { key: "sms", label: t("withdraw.sms") },
          { key: "email", label: t("withdraw.email") },
        ]
      : []),
    { key: "all", label: t("withdraw.all"), hint: t("withdraw.all.hint") },
  ];
  return (
    <Frame title={t("withdraw.heading")} onBack={wipe} onCancel={wipe}>
      <p class={s.flat}>{who?.flat.label}</p>
      {status ? <StatusBox status={status} /> : null}
      {active.length > 0 ? (
        <ChoiceGrid
          label={t("withdraw.heading")}
          choices={choices}
          onChoose={(key) => chooseWithdrawal(key as "sms" | "email" | "all")}
        />
      ) : (
        <p class={s.nothing}>{t("withdraw.nothing")}</p>
      )}
    </Frame>
  );
}

export function WithdrawConfirmScreen() {
  const choice = withdrawChoice.value;
  const status = identified.value?.status;
  const active = status?.status === "active" ? status.channels : [];
  const left = choice === "all" ? [] : active.filter((c) => c !== choice);
  return (
    <Frame
      title={t("withdraw.confirmHeading")}
      onBack={back}
      onCancel={wipe}
      footer={
        <Button
          variant="danger"
          busy={submitting.value}
          busyLabel={t("summary.saving")}
          onClick={() => void submitWithdrawal()}
          testId="withdraw-confirm"
        >
          {t("withdraw.confirm")}
        </Button>
      }
    >
      <p class={s.choice}>
        {choice === "all" ? t("withdraw.all") : choice === "sms" ? t("withdraw.sms") : t("withdraw.email")}
      </p>
      <p>{t("withdraw.effect")}</p>
      <ul class={s.channels} data-testid="withdraw-channels">
        {channelLines(left).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <SubmitErrorMessage />
    </Frame>
  );
}
