/** Identify: building → staircase → flat as big buttons, then surname and the owner code. */
import { Button } from "../components/Button.tsx";
import { ChoiceGrid } from "../components/ChoiceGrid.tsx";
import { Display } from "../components/Display.tsx";
import { Frame } from "../components/Frame.tsx";
import { Keyboard } from "../components/Keyboard.tsx";
import { Keypad } from "../components/Keypad.tsx";
import split from "../components/KeypadSplit.module.css";
import { ValidationMessage } from "../components/ValidationMessage.tsx";
import { t } from "../i18n/index.ts";
import { back, go } from "../models/flow.ts";
import {
  building,
  busy,
  chooseBuilding,
  chooseFlat,
  chooseStaircase,
  flat,
  identifyError,
  ownerCode,
  staircase,
  submitIdentify,
  surname,
} from "../models/identify.ts";
import { config, directory } from "../models/kiosk.ts";
import { wipe } from "../models/wipe.ts";
import s from "./IdentifyScreens.module.css";

function FlatLine() {
  if (!building.value || !staircase.value || !flat.value) return null;
  return (
    <p class={s.flatLine}>
      {t("identify.flatChosen", {
        address: building.value.address,
        staircase: staircase.value.name,
        flat: flat.value.number,
      })}
    </p>
  );
}

export function BuildingScreen() {
  const buildings = directory.value?.buildings ?? [];
  return (
    <Frame title={t("identify.building")} onBack={back} onCancel={wipe}>
      <p class={s.note}>{t("identify.ownersOnly")}</p>
      <ChoiceGrid
        label={t("identify.building")}
        choices={buildings.map((b) => ({ key: b.id, label: b.address }))}
        onChoose={chooseBuilding}
      />
    </Frame>
  );
}

export function StaircaseScreen() {
  return (
    <Frame title={t("identify.staircase")} onBack={back} onCancel={wipe}>
      <p class={s.flatLine}>{building.value?.address}</p>
      <ChoiceGrid
        label={t("identify.staircase")}
        choices={(building.value?.staircases ?? []).map((st) => ({
          key: st.name,
          label: t("identify.staircaseLabel", { name: st.name }),
        }))}
        onChoose={chooseStaircase}
      />
    </Frame>
  );
}

export function FlatScreen() {
  return (
    <Frame title={t("identify.flat")} onBack={back} onCancel={wipe}>
      <p class={s.flatLine}>
        {building.value?.address}, {t("identify.staircaseLabel", { name: staircase.value?.name ?? "" })}
      </p>
      <ChoiceGrid
        compact
        label={t("identify.flat")}
        choices={(staircase.value?.flats ?? []).map((f) => ({ key: f.code, label: f.number }))}
        onChoose={chooseFlat}
      />
    </Frame>
  );
}

/** Capital letter at the start and after a space or hyphen, small letters elsewhere. */
export function typeIntoName(current: string, text: string): string {
  if (text === " " && (current === "" || current.endsWith(" "))) return current;
  const startOfWord = current === "" || / |-$/.test(current.slice(-1));
  const next = startOfWord ? text.toLocaleUpperCase("pl") : text.toLocaleLowerCase("pl");
  return (current + next).slice(0, 60);
}

export function SurnameScreen() {
  const ready = surname.value.trim().length >= 2;
  return (
    <Frame
      title={t("identify.surname")}
      onBack={back}
      onCancel={wipe}
      footer={
        <Button variant="primary" disabled={!ready} onClick={() => go("ownerCode")} testId="next">
          {t("nav.next")}
        </Button>
      }
    >
      <FlatLine />
      <Display label={t("identify.surname")} value={surname.value} placeholder={t("identify.surname.hint")} />
      <Keyboard
        layout="name"
        onText={(ch) => {
          surname.value = typeIntoName(surname.value, ch);
        }}
        onBackspace={() => {
          surname.value = surname.value.slice(0, -1);
        }}
      />
    </Frame>
  );
}

export function OwnerCodeScreen() {
  const length = config.value?.ownerCodeLength ?? 6;
  const error = identifyError.value;
  const cooldown = error?.kind === "cooldown";
  return (
    <Frame
      title={t("identify.ownerCode")}
      onBack={back}
      onCancel={wipe}
      footer={
        // The cool-down ends this visit: the one action left is to finish.
        cooldown ? (
          <Button key="finish" variant="primary" onClick={wipe} testId="identify-finish">
            {t("nav.finish")}
          </Button>
        ) : (
          <Button
            variant="primary"
            disabled={ownerCode.value.length !== length}
            busy={busy.value}
            busyLabel={t("identify.checking")}
            onClick={() => void submitIdentify()}
            testId="identify-submit"
          >
            {t("identify.check")}
          </Button>
        )
      }
    >
      <div class={split.layout}>
        <div class={split.side}>
          <FlatLine />
          <p>{t("identify.ownerCode.hint", { digits: length })}</p>
          <Display
            label={t("identify.ownerCode")}
            value={ownerCode.value.replace(/(\d{3})(?=\d)/g, "$1 ")}
            placeholder={"_ ".repeat(length).trim()}
            mono
          />
          <ValidationMessage
            lines={4}
            tone={error ? "error" : null}
            text={
              error?.kind === "cooldown"
                ? t("identify.cooldown", { minutes: error.minutes })
                : error
                  ? `${t("identify.failed")}${error.attemptsLeft !== undefined ? ` ${t("identify.attemptsLeft", { n: error.attemptsLeft })}` : ""}`
                  : ""
            }
          />
        </div>
        <Keypad
          disabled={busy.value || cooldown}
          onDigit={(d) => {
            if (ownerCode.value.length < length) ownerCode.value += d;
            if (identifyError.value?.kind === "failed") identifyError.value = null;
          }}
          onBackspace={() => {
            ownerCode.value = ownerCode.value.slice(0, -1);
          }}
          onClear={() => {
            ownerCode.value = "";
          }}
        />
      </div>
    </Frame>
  );
}
