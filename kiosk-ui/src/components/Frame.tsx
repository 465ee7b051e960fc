/** Every step's frame: Back (always visible), title, an optional Cancel, the content, the primary action. */
import type { ComponentChildren } from "preact";
import { t } from "../i18n/index.ts";
import s from "./Frame.module.css";

export function Frame(props: {
  title: string;
  onBack: () => void;
  backLabel?: string;
  onCancel?: () => void;
  footer?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class={s.frame}>
      <header class={s.header}>
        <button type="button" class={s.back} onClick={props.onBack}>
          <span aria-hidden="true" class={s.arrow}>
            ←
          </span>
          {props.backLabel ?? t("nav.back")}
        </button>
        <h1 class={s.title}>{props.title}</h1>
        {props.onCancel ? (
          <button type="button" class={s.cancel} onClick={props.onCancel}>
            {t("nav.cancel")}
          </button>
        ) : null}
      </header>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so a keyboard or screen reader can scroll it when a screen overflows (axe scrollable-region-focusable) */}
      <main class={s.body} tabIndex={0}>
        {props.children}
      </main>
      {props.footer ? <footer class={s.footer}>{props.footer}</footer> : null}
    </div>
  );
}
