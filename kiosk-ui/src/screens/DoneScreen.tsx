/** Done: the result, the receipt's printing status (or its QR on screen), then back to Start. */
import { useEffect, useState } from "preact/hooks";
import { Button } from "../components/Button.tsx";
import { Frame } from "../components/Frame.tsx";
import { QrCode } from "../components/QrCode.tsx";
import { formatDate, type MessageKey, t } from "../i18n/index.ts";
import { outcome, pollPrintStatus, printStatus } from "../models/submit.ts";
import { wipe } from "../models/wipe.ts";
import s from "./DoneScreen.module.css";

export const BACK_TO_START_SECONDS = { printed: 20, failed: 90, pending: 45 };

export function DoneScreen() {
  const result = outcome.value;
  const [left, setLeft] = useState(BACK_TO_START_SECONDS.pending);
  useEffect(() => {
    let active = true;
    void pollPrintStatus(() => active);
    return () => {
      active = false;
    };
  }, []);
  const status = printStatus.value;
  useEffect(() => {
    setLeft(BACK_TO_START_SECONDS[status]);
  }, [status]);
  useEffect(() => {
    if (left <= 0) {
      wipe();
      return;
    }
    const timer = setTimeout(() => setLeft((n) => n - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  if (!result) return null;
  return (
    <Frame
      title={t("done.heading")}
      onBack={wipe}
      backLabel={t("nav.finish")}
      footer={
        <>
          <span class={s.countdown}>{t("done.backIn", { seconds: left })}</span>
          <Button variant="primary" onClick={wipe} testId="done-finish">
            {t("nav.finish")}
          </Button>
        </>
      }
    >
      <div class={s.layout}>
        <div class={s.text}>
          <p class={s.result} data-testid="done-result" data-kind={result.kind}>
            <span aria-hidden="true">✓ </span>
            {t(`done.${result.kind}` as MessageKey)}
          </p>
          {result.electronicFrom ? <p>{t("summary.from", { date: formatDate(result.electronicFrom) })}</p> : null}
          <p class={s.receipt}>{t("done.receipt", { number: result.receipt.number })}</p>
          <p class={`${s.print} ${s[status]}`} role="status" data-testid="print-status" data-status={status}>
            {status === "pending"
              ? t("done.printing")
              : status === "printed"
                ? t("done.printed")
                : t("done.printFailed")}
          </p>
        </div>
        {/* The QR's place is kept from the start, so the text does not rewrap when it appears. */}
        {status === "failed" ? (
          <QrCode text={result.receipt.qr} label={t("done.receipt", { number: result.receipt.number })} />
        ) : (
          <div class={s.qrPlace} aria-hidden="true" />
        )}
      </div>
    </Frame>
  );
}
