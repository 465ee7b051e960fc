/**
 * The kiosk's own on-screen keyboard: an email layout (letters, digits, @ . - _ and domain chips)
 * and a surname layout (letters with Polish diacritics, hyphen, space).
 */
import { t } from "../i18n/index.ts";
import s from "./Keyboard.module.css";

export type KeyboardLayout = "email" | "name";

export const EMAIL_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl@", "zxcvbnm.-_"];
export const NAME_ROWS = ["QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM", "ĄĆĘŁŃÓŚŹŻ"];
export const EMAIL_CHIPS = ["@gmail.com", "@wp.pl", "@o2.pl", "@onet.pl", "@interia.pl", ".pl", ".com"];

export function Keyboard(props: {
  layout: KeyboardLayout;
  onText: (text: string) => void;
  onBackspace: () => void;
  chips?: string[];
  /** Keeps the chips' row but hides it (the keyboard sits on the footer: removing a row would move every key). */
  chipsHidden?: boolean;
}) {
  const rows = props.layout === "email" ? EMAIL_ROWS : NAME_ROWS;
  const last = rows.length - 1;
  return (
    <fieldset class={s.keyboard}>
      <legend class="visually-hidden">{t("key.keyboard")}</legend>
      {props.chips ? (
        <div class={`${s.chips} ${props.chipsHidden ? s.hidden : ""}`} aria-hidden={props.chipsHidden || undefined}>
          {props.chips.map((chip) => (
            <button type="button" key={chip} class={s.chip} onClick={() => props.onText(chip)}>
              {chip}
            </button>
          ))}
        </div>
      ) : null}
      {rows.map((row, index) => (
        <div class={s.row} key={row}>
          {[...row].map((ch) => (
            <button type="button" key={ch} class={s.key} onClick={() => props.onText(ch)}>
              {ch}
            </button>
          ))}
          {props.layout === "name" && index === 2 ? (
            <button type="button" class={`${s.key} ${s.wide}`} onClick={() => props.onText(" ")} data-key="space">
              {t("key.space")}
            </button>
          ) : null}
          {index === (props.layout === "email" ? last : 2) ? (
            <button
              type="button"
              class={`${s.key} ${s.backspace}`}
              onClick={props.onBackspace}
              data-key="backspace"
              aria-label={t("key.backspace")}
            >
              ⌫
            </button>
          ) : null}
        </div>
      ))}
    </fieldset>
  );
}
