import { useEffect, useState } from "preact/hooks";
import { type Answer, call, staffApi } from "../api.ts";
import { localDateTime } from "../format.ts";
import { pl } from "../messages.ts";
import styles from "./Table.module.css";

type Failure = Answer<typeof staffApi.failures.$get>["failures"][number];

export function FailuresView() {
  const [rows, setRows] = useState<Failure[] | null>(null);
  useEffect(() => {
    call(staffApi.failures.$get)
      .then((r) => setRows(r.failures))
      .catch(() => setRows([]));
  }, []);
  if (!rows) return null;
  if (rows.length === 0) return <p>{pl.failures.empty}</p>;
  return (
    <table class={styles.table}>
      <thead>
        <tr>
          <th>{pl.failures.when}</th>
          <th>{pl.register.flat}</th>
          <th>{pl.failures.channel}</th>
          <th>{pl.failures.recipient}</th>
          <th>{pl.paper.subject}</th>
          <th>{pl.failures.reason}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.seq}>
            <td>{localDateTime(r.at)}</td>
            <td>{r.flat ?? "—"}</td>
            <td>
              <span class={`${styles.badge} ${styles[r.status] ?? ""}`}>{r.channelText}</span>
            </td>
            <td>{r.recipient ?? "—"}</td>
            <td>{r.subject ?? "—"}</td>
            <td>{r.reasonText}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
