/**
 * Live validation under a field: correct, a problem, or a "did you mean" suggestion with its
 * buttons. Its slot keeps `lines` lines of room whether or not a message shows, so nothing below
 * it moves when one appears or goes (a keypad that jumps sends a finger to the wrong key).
 */
import type { ComponentChildren } from "preact";
import s from "./ValidationMessage.module.css";

export type Tone = "ok" | "error" | "suggest";

export function ValidationMessage(props: {
  tone: Tone | null;
  text: string;
  lines?: number;
  children?: ComponentChildren;
}) {
  return (
    <div
      class={props.lines === 0 ? "" : s.slot}
      style={{ "--lines": props.lines ?? 1 }}
      role="status"
      aria-live="polite"
    >
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
