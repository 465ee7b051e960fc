/**
 * A large button with an optional second line explaining it. `busyLabel` shares the label's place
 * (the button is as wide as the longer of the two), so switching to it moves nothing. A button
 * that is `blocked` looks disabled and says why beside it, yet stays focusable for screen readers.
 */
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";
import s from "./Button.module.css";

export function Button(props: {
  onClick: () => void;
  children: ComponentChildren;
  hint?: string;
  /** Keeps the hint on short screens too (where hints are otherwise left out for room). */
  keepHint?: boolean;
  variant?: "primary" | "secondary" | "danger" | "choice";
  disabled?: boolean;
  busy?: boolean;
  busyLabel?: string;
  blockedReason?: string | null;
  pressed?: boolean;
  label?: string;
  wide?: boolean;
  testId?: string;
}) {
  const variant = props.variant ?? "secondary";
  const reasonId = useId();
  const blocked = Boolean(props.blockedReason);
  const button = (
    <button
      type="button"
      class={`${s.button} ${s[variant]} ${props.wide ? s.wide : ""} ${blocked ? s.blocked : ""}`}
      onClick={blocked ? undefined : props.onClick}
      disabled={props.disabled || props.busy}
      aria-disabled={blocked ? "true" : undefined}
      aria-describedby={blocked ? reasonId : undefined}
      aria-pressed={props.pressed}
      aria-label={props.label}
      aria-busy={props.busy ? "true" : undefined}
      data-testid={props.testId}
    >
      {props.busyLabel ? (
        <span class={`${s.main} ${s.stack}`}>
          <span class={props.busy ? s.hidden : ""}>{props.children}</span>
          <span class={props.busy ? "" : s.hidden}>{props.busyLabel}</span>
        </span>
      ) : (
        <span class={s.main}>{props.children}</span>
      )}
      {props.hint ? <span class={`${s.hint} ${props.keepHint ? s.keep : ""}`}>{props.hint}</span> : null}
    </button>
  );
  if (!blocked) return button;
  return (
    <>
      <span id={reasonId} class={s.reason} data-testid={props.testId ? `${props.testId}-reason` : undefined}>
        {props.blockedReason}
      </span>
      {button}
    </>
  );
}
