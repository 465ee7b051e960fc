/** The kiosk: one screen per step, the idle warning and the connection-problem screen on top. */
import { effect } from "@preact/signals";
import { Button } from "./components/Button.tsx";
import { Overlay } from "./components/Overlay.tsx";
import { lang, t } from "./i18n/index.ts";
import { type Step, step } from "./models/flow.ts";
import { createIdleTimer } from "./models/idle.ts";
import { config, warnSeconds, wipeSeconds } from "./models/kiosk.ts";
import { offline, retrying } from "./models/network.ts";
import { outOfService, whenServiceReturns } from "./models/outOfService.ts";
import { checkSession, sessionLapsed } from "./models/sessionCheck.ts";
import { wipe } from "./models/wipe.ts";
import { ConsentScreen } from "./screens/ConsentScreen.tsx";
import { ChannelsScreen, EmailScreen, MobileScreen } from "./screens/ContactScreens.tsx";
import { DoneScreen } from "./screens/DoneScreen.tsx";
import {
  BuildingScreen,
  FlatScreen,
  OwnerCodeScreen,
  StaircaseScreen,
  SurnameScreen,
} from "./screens/IdentifyScreens.tsx";
import { StartScreen } from "./screens/StartScreen.tsx";
import { SummaryScreen } from "./screens/SummaryScreen.tsx";
import { VerifyScreen } from "./screens/VerifyScreen.tsx";
import { StatusScreen, WithdrawConfirmScreen, WithdrawScreen } from "./screens/WithdrawScreens.tsx";

const SCREENS: Record<Step, () => preact.JSX.Element | null> = {
  start: StartScreen,
  building: BuildingScreen,
  staircase: StaircaseScreen,
  flat: FlatScreen,
  surname: SurnameScreen,
  ownerCode: OwnerCodeScreen,
  channels: ChannelsScreen,
  email: EmailScreen,
  mobile: MobileScreen,
  consent: ConsentScreen,
  verify: VerifyScreen,
  summary: SummaryScreen,
  done: DoneScreen,
  withdraw: WithdrawScreen,
  withdrawConfirm: WithdrawConfirmScreen,
  status: StatusScreen,
};

export const idle = createIdleTimer({ warnSeconds, wipeSeconds, onWipe: wipe });

// The resident was sent to the office: when service returns, the abandoned flow is forgotten.
whenServiceReturns(wipe);

// Count idle time whenever there is something to forget: any step but Start, or a language chosen.
effect(() => {
  if (step.value !== "start" || lang.value !== "pl") idle.start();
  else idle.stop();
});

// Coming back to the flow checks that the gateway still knows the resident: every new step, and
// the screen shown again (the kiosk's display woken, the browser brought to the front).
effect(() => {
  if (step.value !== "done") void checkSession();
});
if (typeof document !== "undefined")
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void checkSession();
  });

// The page's language follows the kiosk's at once (a screen reader must never read Polish text
// as Ukrainian): a signal effect runs when the language changes, not after the next paint.
if (typeof document !== "undefined")
  effect(() => {
    document.documentElement.lang = lang.value;
  });

export function App() {
  const Screen = SCREENS[step.value];
  const problem = offline.value;
  const closed = outOfService.value;
  const lapsed = sessionLapsed.value && step.value !== "done" && step.value !== "start";
  // Behind the idle warning, a lapsed session or the out-of-service screen nothing personal stays readable.
  const covered = idle.warning.value || lapsed || closed;
  return (
    <>
      <div id="screen" data-step={step.value} data-covered={covered ? "" : undefined} inert={covered}>
        {/* A new step or language is new elements, never the old ones moved (no layout shift). */}
        {config.value ? (
          <Screen key={`${step.value}-${lang.value}`} />
        ) : (
          <p style={{ padding: "24px" }}>{t("loading")}</p>
        )}
      </div>
      {closed ? (
        <Overlay id="out-of-service" title={t("outOfService.heading")} actions={null}>
          <p>{t("outOfService.body")}</p>
          <p>{t("outOfService.returns")}</p>
        </Overlay>
      ) : lapsed ? (
        <Overlay
          id="session-lapsed"
          title={t("session.heading")}
          actions={
            <Button variant="primary" onClick={wipe} testId="session-restart">
              {t("session.restart")}
            </Button>
          }
        >
          <p>{t("session.body")}</p>
        </Overlay>
      ) : idle.warning.value ? (
        <Overlay
          id="idle-warning"
          title={t("idle.heading")}
          actions={
            <Button
              variant="primary"
              onClick={() => {
                idle.touch();
                void checkSession();
              }}
              testId="idle-continue"
            >
              {t("idle.continue")}
            </Button>
          }
        >
          <p>{t("idle.body", { seconds: idle.secondsLeft.value })}</p>
        </Overlay>
      ) : null}
      {problem && !closed ? (
        <Overlay
          id="offline"
          title={t("offline.heading")}
          actions={
            <Button
              variant="primary"
              busy={retrying.value}
              busyLabel={t("offline.retrying")}
              onClick={() => void problem.retry()}
              testId="offline-retry"
            >
              {t("offline.retry")}
            </Button>
          }
        >
          <p>{t("offline.body")}</p>
        </Overlay>
      ) : null}
    </>
  );
}
