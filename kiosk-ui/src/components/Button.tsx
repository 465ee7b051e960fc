/** A large button with an optional second line explaining it. */
import type { ComponentChildren } from "preact";
import s from "./Button.module.css";

export function Button(props: {
  onClick: () => void;
  children: ComponentChildren;
  hint?: string;
  variant?: "primary" | "secondary" | "danger" | "choice";
  disabled?: boolean;
  pressed?: boolean;
  label?: string;
  wide?: boolean;
  testId?: string;
}) {
  const variant = props.variant ?? "secondary";
  return (
    <button
      type="button"
      class={`${s.button} ${s[variant]} ${props.wide ? s.wide : ""}`}
      onClick={props.onClick}
      disabled={props.disabled}
      aria-pressed={props.pressed}
      aria-label={props.label}
      data-testid={props.testId}
    >
      <span class={s.main}>{props.children}</span>
      {props.hint ? <span class={s.hint}>{props.hint}</span> : null}
    </button>
  );
}
