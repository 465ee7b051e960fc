/** The big numeric keypad (owner code, mobile number, one-time codes). */
import { t } from "../i18n/index.ts";
import s from "./Keypad.module.css";

const DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

export function Keypad(props: {
  onDigit: (digit: string) => void;
  onBackspace: () => void;
  onClear?: () => void;
  disabled?: boolean;
}) {
  return (
    <fieldset class={s.keypad}>
      <legend class="visually-hidden">{t("key.digits")}</legend>
      {DIGITS.map((d) => (
        <button type="button" key={d} class={s.key} disabled={props.disabled} onClick={() => props.onDigit(d)}>
          {d}
        </button>
      ))}
      {props.onClear ? (
        <button
          type="button"
          class={`${s.key} ${s.action}`}
          disabled={props.disabled}
          onClick={props.onClear}
          data-key="clear"
        >
          {t("key.clear")}
        </button>
      ) : (
        <span />
      )}
      <button type="button" class={s.key} disabled={props.disabled} onClick={() => props.onDigit("0")}>
        0
      </button>
      <button
        type="button"
        class={`${s.key} ${s.action}`}
        disabled={props.disabled}
        onClick={props.onBackspace}
        data-key="backspace"
        aria-label={t("key.backspace")}
      >
        ⌫
      </button>
    </fieldset>
  );
}
