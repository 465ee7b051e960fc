/** Start: language, the four actions, and what comes by email, SMS and post. */
import { useEffect } from "preact/hooks";
import { Button } from "../components/Button.tsx";
import { LanguagePicker } from "../components/LanguagePicker.tsx";
import { listJoin, type MessageKey, t } from "../i18n/index.ts";
import { begin, type Mode } from "../models/flow.ts";
import { config } from "../models/kiosk.ts";
import s from "./StartScreen.module.css";

const ACTIONS: Array<{ mode: Mode; key: MessageKey; hint?: MessageKey; variant: "primary" | "secondary" }> = [
  { mode: "enrol", key: "start.enrol", hint: "start.enrol.hint", variant: "primary" },
  { mode: "update", key: "start.update", variant: "secondary" },
  { mode: "withdraw", key: "start.withdraw", variant: "secondary" },
  { mode: "status", key: "start.status", variant: "secondary" },
];

function categoriesBy(channel: "email" | "sms"): string[] {
  const c = config.value;
  if (!c) return [];
  return Object.entries(c.categoryChannels)
    .filter(
      ([category, channels]) =>
        channels.includes(channel) && !(category === "payment_demand" && c.paymentDemandsOnPaper),
    )
    .map(([category]) => t(`cat.${category}` as MessageKey));
}

export function StartScreen() {
  const c = config.value;
  useEffect(() => {
    // The bench reads this: navigation start → the Start screen is on and answers taps.
    if (performance.getEntriesByName("kiosk:start-ready").length === 0) performance.mark("kiosk:start-ready");
  }, []);
  return (
    <div class={s.start}>
      <header class={s.top}>
        <div>
          <p class={s.coop}>{c?.cooperative.shortName ?? ""}</p>
          <h1 class={s.heading}>{t("start.heading")}</h1>
        </div>
        <LanguagePicker />
      </header>
      <div class={s.columns}>
        <nav class={s.actions}>
          {ACTIONS.map((a) => (
            <Button
              key={a.mode}
              variant={a.variant}
              wide
              onClick={() => begin(a.mode)}
              hint={a.hint ? t(a.hint) : undefined}
              testId={`start-${a.mode}`}
            >
              {t(a.key)}
            </Button>
          ))}
        </nav>
        {c ? (
          <section class={s.explain} aria-label={t("start.heading")}>
            <p>
              <strong class={s.channel}>✉ {t("start.byEmail")}:</strong> {listJoin(categoriesBy("email"))}.
            </p>
            <p>
              <strong class={s.channel}>✆ {t("start.bySms")}:</strong> {listJoin(categoriesBy("sms"))}.
            </p>
            {c.paymentDemandsOnPaper ? (
              <p>
                <strong class={s.channel}>✎ {t("start.byPost")}:</strong> {t("start.demandsByPost")}.
              </p>
            ) : null}
            <p class={s.grace}>{t("start.graceNote", { days: c.graceDays })}</p>
          </section>
        ) : null}
      </div>
    </div>
  );
}
