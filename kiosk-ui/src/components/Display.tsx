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
        {props.value ? <span>{props.value}</span> : <span class={s.placeholder}>{props.placeholder ?? ""}</span>}
        <span class={s.caret} aria-hidden="true" />
      </output>
    </div>
  );
}
