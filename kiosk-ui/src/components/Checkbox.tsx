/** A consent checkbox: a native checkbox made large, its whole row is the touch target. */
import type { ComponentChildren } from "preact";
import s from "./Checkbox.module.css";

export function Checkbox(props: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ComponentChildren;
  testId?: string;
}) {
  return (
    <label class={`${s.row} ${props.checked ? s.on : ""}`}>
      <input
        type="checkbox"
        class={s.box}
        checked={props.checked}
        data-testid={props.testId}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <span class={s.text}>{props.children}</span>
    </label>
  );
}
