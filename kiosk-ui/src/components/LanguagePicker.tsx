/** Polski / English / Українська, each in its own language. */
import { LANGS, type Lang, lang, t } from "../i18n/index.ts";
import s from "./LanguagePicker.module.css";

export function LanguagePicker(props: { onChange?: (l: Lang) => void }) {
  return (
    <fieldset class={s.picker}>
      <legend class="visually-hidden">{t("lang.choose")}</legend>
      {LANGS.map((l) => (
        <button
          type="button"
          key={l}
          lang={l}
          class={s.lang}
          aria-pressed={lang.value === l}
          onClick={() => {
            lang.value = l;
            props.onChange?.(l);
          }}
        >
          {t(`lang.${l}`)}
        </button>
      ))}
    </fieldset>
  );
}
