/** The big read-out of what was typed on the kiosk's keyboard or keypad (never a real input). */
import s from "./Display.module.css";

export function Display(props: {
  label: string;
  value: string;
  placeholder?: string;
  prefix?: string;
  mono?: boolean;
}) {
  return (
    <div class={s.display}>
      <span class={s.label}>{props.label}</span>
      <output class={`${s.value} ${props.mono ? s.mono : ""}`} aria-label={props.label}>
        {props.prefix ? <span class={s.prefix}>{props.prefix}</span> : null}
        {/* The caret is the typed text's right border (or the placeholder's left one): a separate
            caret box would move with every key, and every move is a layout shift. */}
        {props.value ? (
          <span key="typed" class={s.typed}>
            {props.value}
          </span>
        ) : (
          <span key="placeholder" class={s.placeholder}>
            {props.placeholder ?? ""}
          </span>
        )}
      </output>
    </div>
  );
}
