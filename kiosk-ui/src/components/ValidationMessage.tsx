/** Live validation under a field: correct, a problem, or a "did you mean" suggestion with its buttons. */
import type { ComponentChildren } from "preact";
import s from "./ValidationMessage.module.css";

export type Tone = "ok" | "error" | "suggest";

export function ValidationMessage(props: { tone: Tone | null; text: string; children?: ComponentChildren }) {
  return (
    <div class={s.slot} role="status" aria-live="polite">
      {props.tone ? (
        <div class={`${s.message} ${s[props.tone]}`} data-tone={props.tone}>
          <span class={s.icon} aria-hidden="true">
            {props.tone === "ok" ? "✓" : props.tone === "error" ? "!" : "?"}
          </span>
          <span class={s.text}>{props.text}</span>
          {props.children ? <div class={s.actions}>{props.children}</div> : null}
        </div>
      ) : null}
    </div>
  );
}
