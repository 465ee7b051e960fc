/** Summary: everything unmasked in large type, when electronic delivery starts, what stays on paper. */
import { Button } from "../components/Button.tsx";
import { Frame } from "../components/Frame.tsx";
import { formatDate, t } from "../i18n/index.ts";
import { channelLines } from "../models/channelTexts.ts";
import { channels, currentContacts, emailNormalized, kept, mobileNormalized } from "../models/contacts.ts";
import { back } from "../models/flow.ts";
import { config } from "../models/kiosk.ts";
import { identified } from "../models/session.ts";
import { submitEnrolment, submitting } from "../models/submit.ts";
import { items } from "../models/verify.ts";
import { wipe } from "../models/wipe.ts";
import { SubmitErrorMessage } from "./SubmitErrorMessage.tsx";
import s from "./SummaryScreen.module.css";
import { readableMobile } from "./VerifyScreen.tsx";

const DAY_MS = 86_400_000;

function Row(props: { label: string; value: string; note?: string; testId: string }) {
  return (
    <div class={s.row}>
      <dt class={s.label}>{props.label}</dt>
      <dd class={s.value} data-testid={props.testId}>
        {props.value}
        {props.note ? <span class={s.note}>{props.note}</span> : null}
      </dd>
    </div>
  );
}

export function SummaryScreen() {
  const who = identified.value;
  const grace = config.value?.graceDays ?? 14;
  const from = new Date(Date.now() + grace * DAY_MS);
  const wants = channels.value;
  const state = (channel: "email" | "sms") => {
    if (kept.value.includes(channel))
      return currentContacts.value.unverified.includes(channel)
        ? `${t("summary.kept")}, ${t("summary.unverified")}`
        : `${t("summary.kept")}, ${t("summary.verified")}`;
    const item = items.value.find((i) => i.channel === channel);
    return item?.state === "unverified" ? t("summary.unverified") : t("summary.verified");
  };
  // A kept contact was only ever shown masked: the kiosk does not have it in full.
  const shownEmail = kept.value.includes("email") ? (currentContacts.value.email ?? "") : emailNormalized.value;
  const shownMobile = kept.value.includes("sms")
    ? (currentContacts.value.mobile ?? "")
    : readableMobile(mobileNormalized.value);
  return (
    <Frame
      title={t("summary.heading")}
      onBack={back}
      onCancel={wipe}
      footer={
        <Button
          variant="primary"
          busy={submitting.value}
          busyLabel={t("summary.saving")}
          onClick={() => void submitEnrolment()}
          testId="summary-confirm"
        >
          {t("summary.confirm")}
        </Button>
      }
    >
      <dl class={s.list}>
        <Row label={t("summary.flat")} value={who?.flat.label ?? ""} testId="summary-flat" />
        <Row
          label={t("summary.name")}
          value={who ? `${who.owner.firstName} ${who.owner.surname}` : ""}
          testId="summary-name"
        />
        <Row
          label={t("summary.email")}
          value={wants.includes("email") ? shownEmail : t("summary.none")}
          note={wants.includes("email") ? state("email") : undefined}
          testId="summary-email"
        />
        <Row
          label={t("summary.mobile")}
          value={wants.includes("sms") ? shownMobile : t("summary.none")}
          note={wants.includes("sms") ? state("sms") : undefined}
          testId="summary-mobile"
        />
      </dl>
      <p class={s.from}>{t("summary.from", { date: formatDate(from) })}</p>
      <ul class={s.channels} data-testid="summary-channels">
        {channelLines(wants).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p>{t("summary.paperUntil", { date: formatDate(new Date(from.getTime() - DAY_MS)) })}</p>
      <SubmitErrorMessage />
    </Frame>
  );
}
