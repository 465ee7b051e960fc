/** A full-screen modal message (idle warning, connection problem) with one big action. */
import type { ComponentChildren } from "preact";
import s from "./Overlay.module.css";

export function Overlay(props: { title: string; children: ComponentChildren; actions: ComponentChildren; id: string }) {
  return (
    <div class={s.backdrop}>
      <div
        class={s.dialog}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${props.id}-title`}
        data-testid={props.id}
      >
        <h2 id={`${props.id}-title`} class={s.title}>
          {props.title}
        </h2>
        <div class={s.body}>{props.children}</div>
        <div class={s.actions}>{props.actions}</div>
      </div>
    </div>
  );
}
