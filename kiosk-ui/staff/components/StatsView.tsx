import { useEffect, useState } from "preact/hooks";
import { type Answer, call, staffApi } from "../api.ts";
import { shortDay } from "../format.ts";
import { pl } from "../messages.ts";
import styles from "./Table.module.css";

type Day = Answer<typeof staffApi.stats.$get>["days"][number];

const W = 760;
const H = 300;
const LEFT = 48;
const RIGHT = 56;
const TOP = 44;
const BOTTOM = 40;
const BAR = "#7fa7d6";
const LINE = "#12355b";

/**
 * Bars: enrolments per day (left axis, counts); line: share of flats with electronic delivery
 * (right axis, 0–100 %). Axes with ticks, a legend, and the numbers on the bars.
 */
export function StatsView() {
  const [days, setDays] = useState<Day[]>([]);
  useEffect(() => {
    call(staffApi.stats.$get, { query: { days: "60" } })
      .then((r) => setDays(r.days))
      .catch(() => setDays([]));
  }, []);
  if (days.length === 0) return null;
  const maxEnrol = Math.max(1, ...days.map((d) => d.enrolments));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const step = plotW / days.length;
  const y = (fraction: number) => TOP + plotH - fraction * plotH;
  const line = days.map((d, i) => `${LEFT + i * step + step / 2},${y(d.electronicShare)}`).join(" ");
  const last = days[days.length - 1];
  const total = days.reduce((n, d) => n + d.enrolments, 0);
  const countTicks = [...new Set([0, Math.round(maxEnrol / 2), maxEnrol])];
  const xTicks = days.map((d, i) => ({ d, i })).filter(({ i }) => i % 10 === 0 || i === days.length - 1);
  return (
    <section class={styles.panel}>
      <strong>{pl.stats.heading}</strong>
      <p>{`${pl.stats.total}: ${total} · ${pl.stats.shareToday}: ${percent(last.electronicShare)}`}</p>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={pl.stats.heading}>
        <g font-size="12">
          <rect x={LEFT} y={8} width={14} height={10} fill={BAR} />
          <text x={LEFT + 20} y={17}>
            {pl.stats.enrolments}
          </text>
          <line x1={LEFT + 200} y1={13} x2={LEFT + 224} y2={13} stroke={LINE} stroke-width="2" />
          <text x={LEFT + 230} y={17}>
            {pl.stats.share}
          </text>
        </g>
        <line x1={LEFT} y1={TOP} x2={LEFT} y2={TOP + plotH} stroke="#3d4654" />
        <line x1={W - RIGHT} y1={TOP} x2={W - RIGHT} y2={TOP + plotH} stroke="#3d4654" />
        <line x1={LEFT} y1={TOP + plotH} x2={W - RIGHT} y2={TOP + plotH} stroke="#3d4654" />
        {countTicks.map((n) => (
          <g key={`c${n}`} font-size="11">
            <line x1={LEFT - 4} y1={y(n / maxEnrol)} x2={LEFT} y2={y(n / maxEnrol)} stroke="#3d4654" />
            <text x={LEFT - 6} y={y(n / maxEnrol) + 4} text-anchor="end">
              {n}
            </text>
          </g>
        ))}
        {[0, 0.5, 1].map((f) => (
          <g key={`s${f}`} font-size="11">
            <line x1={W - RIGHT} y1={y(f)} x2={W - RIGHT + 4} y2={y(f)} stroke="#3d4654" />
            <text x={W - RIGHT + 6} y={y(f) + 4}>
              {percent(f)}
            </text>
          </g>
        ))}
        <text
          x={12}
          y={TOP + plotH / 2}
          font-size="11"
          transform={`rotate(-90 12 ${TOP + plotH / 2})`}
          text-anchor="middle"
        >
          {pl.stats.axisEnrolments}
        </text>
        <text
          x={W - 10}
          y={TOP + plotH / 2}
          font-size="11"
          transform={`rotate(90 ${W - 10} ${TOP + plotH / 2})`}
          text-anchor="middle"
        >
          {pl.stats.axisShare}
        </text>
        {days.map((d, i) => (
          <g key={d.date}>
            <rect
              x={LEFT + i * step + 1}
              y={y(d.enrolments / maxEnrol)}
              width={Math.max(1, step - 2)}
              height={(d.enrolments / maxEnrol) * plotH}
              fill={BAR}
            >
              <title>{`${shortDay(d.date)}: ${d.enrolments} ${pl.stats.enrolments}, ${percent(d.electronicShare)}`}</title>
            </rect>
            {d.enrolments > 0 && (
              <text
                x={LEFT + i * step + step / 2}
                y={y(d.enrolments / maxEnrol) - 3}
                font-size="10"
                text-anchor="middle"
              >
                {d.enrolments}
              </text>
            )}
          </g>
        ))}
        <polyline points={line} fill="none" stroke={LINE} stroke-width="2" />
        {xTicks.map(({ d, i }) => (
          <g key={`x${d.date}`} font-size="11">
            <line
              x1={LEFT + i * step + step / 2}
              y1={TOP + plotH}
              x2={LEFT + i * step + step / 2}
              y2={TOP + plotH + 4}
              stroke="#3d4654"
            />
            <text x={LEFT + i * step + step / 2} y={TOP + plotH + 16} text-anchor="middle">
              {shortDay(d.date)}
            </text>
          </g>
        ))}
        <text x={LEFT + plotW / 2} y={H - 4} font-size="11" text-anchor="middle">
          {pl.stats.axisDays}
        </text>
      </svg>
    </section>
  );
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10} %`.replace(".", ",");
}
