import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { pl } from "../messages.ts";
import styles from "./Table.module.css";

interface Day {
  date: string;
  enrolments: number;
  electronicShare: number;
}

const W = 720;
const H = 240;
const PAD = 32;

/** Bars: enrolments per day (left scale); line: share of flats with electronic delivery (0–100 %). */
export function StatsView() {
  const [days, setDays] = useState<Day[]>([]);
  useEffect(() => {
    api<{ days: Day[] }>("GET", "/stats?days=60")
      .then((r) => setDays(r.days))
      .catch(() => setDays([]));
  }, []);
  if (days.length === 0) return null;
  const maxEnrol = Math.max(1, ...days.map((d) => d.enrolments));
  const step = (W - 2 * PAD) / days.length;
  const y = (v: number) => H - PAD - v * (H - 2 * PAD);
  const line = days.map((d, i) => `${PAD + i * step + step / 2},${y(d.electronicShare)}`).join(" ");
  const last = days[days.length - 1];
  return (
    <section class={styles.panel}>
      <strong>{pl.stats.heading}</strong>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={pl.stats.heading}>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="#8a94a3" />
        {days.map((d, i) => (
          <rect
            key={d.date}
            x={PAD + i * step + 1}
            y={y(d.enrolments / maxEnrol)}
            width={Math.max(1, step - 2)}
            height={(d.enrolments / maxEnrol) * (H - 2 * PAD)}
            fill="#7fa7d6"
          >
            <title>{`${d.date}: ${d.enrolments} ${pl.stats.enrolments}, ${Math.round(d.electronicShare * 100)}%`}</title>
          </rect>
        ))}
        <polyline points={line} fill="none" stroke="#12355b" stroke-width="2" />
        <text x={PAD} y={PAD - 10} font-size="12">{`${pl.stats.enrolments}: max ${maxEnrol}`}</text>
        <text
          x={W - PAD}
          y={PAD - 10}
          font-size="12"
          text-anchor="end"
        >{`${pl.stats.share}: ${Math.round(last.electronicShare * 100)}%`}</text>
        <text x={PAD} y={H - 8} font-size="11">
          {days[0].date}
        </text>
        <text x={W - PAD} y={H - 8} font-size="11" text-anchor="end">
          {last.date}
        </text>
      </svg>
    </section>
  );
}
