/** Big buttons to choose from (buildings, staircases, flats, channels). */
import s from "./ChoiceGrid.module.css";

export interface Choice {
  key: string;
  label: string;
  hint?: string;
}

export function ChoiceGrid(props: {
  choices: Choice[];
  onChoose: (key: string) => void;
  selected?: string | null;
  compact?: boolean;
  label: string;
}) {
  return (
    <fieldset class={`${s.grid} ${props.compact ? s.compact : ""}`}>
      <legend class="visually-hidden">{props.label}</legend>
      {props.choices.map((c) => (
        <button
          type="button"
          key={c.key}
          data-key={c.key}
          class={s.choice}
          aria-pressed={props.selected === undefined ? undefined : props.selected === c.key}
          onClick={() => props.onChoose(c.key)}
        >
          <span class={s.label}>{c.label}</span>
          {c.hint ? <span class={s.hint}>{c.hint}</span> : null}
        </button>
      ))}
    </fieldset>
  );
}
