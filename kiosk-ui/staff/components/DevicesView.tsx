import { useEffect, useState } from "preact/hooks";
import { type Answer, call, staffApi } from "../api.ts";
import { ISO_INSTANT, localDateTime, shortDay } from "../format.ts";
import { pl } from "../messages.ts";
import styles from "./Table.module.css";

type Part = { status: string; [detail: string]: unknown };
type Day = Answer<typeof staffApi.stats.$get>["days"][number];

/** A detail value in Polish: dates local, known words translated. */
function readable(value: unknown): string {
  const text = String(value);
  if (ISO_INSTANT.test(text)) return localDateTime(text);
  return pl.devices.values[text] ?? text;
}

const SHOWN = ["modem", "printer", "smtp", "office_sync", "register", "db"] as const;

export function DevicesView() {
  const [parts, setParts] = useState<Record<string, Part>>({});
  const [days, setDays] = useState<Day[]>([]);
  useEffect(() => {
    const load = () => {
      call(staffApi.devices.$get)
        .then((r) => setParts(r.parts))
        .catch(() => undefined);
      call(staffApi.stats.$get, { query: { days: "14" } })
        .then((r) => setDays(r.days))
        .catch(() => undefined);
    };
    load();
    const timer = setInterval(load, 15_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <section>
      {SHOWN.map((name) => {
        const part = parts[name];
        if (!part) return null;
        const { status, ...details } = part;
        return (
          <div class={styles.panel} key={name}>
            <strong>{pl.devices[name]}</strong>{" "}
            <span class={`${styles.badge} ${styles[status] ?? ""}`}>{pl.devices.status[status] ?? status}</span>
            <div class={styles.muted}>
              {Object.entries(details)
                .filter(([k, v]) => v !== null && typeof v !== "object" && pl.devices.details[k])
                .map(([k, v]) => `${pl.devices.details[k]}: ${readable(v)}`)
                .join(" · ")}
            </div>
          </div>
        );
      })}
      <div class={styles.panel}>
        <strong>{pl.devices.smsPerDay}</strong>
        <table class={styles.table}>
          <thead>
            <tr>
              <th>{pl.devices.day}</th>
              <th>{pl.devices.sent}</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date}>
                <td>{shortDay(d.date)}</td>
                <td>{d.smsSent}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
