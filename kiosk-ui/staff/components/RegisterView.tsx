import { useEffect, useState } from "preact/hooks";
import { type Answer, call, staffApi } from "../api.ts";
import { pl } from "../messages.ts";
import { HistoryPanel } from "./HistoryPanel.tsx";
import styles from "./Table.module.css";

type Row = Answer<typeof staffApi.register.$get>["rows"][number];

export function RegisterView() {
  const [q, setQ] = useState("");
  const [rows, setRows] = useState<Row[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => {
      call(staffApi.register.$get, { query: { q } })
        .then((r) => setRows(r.rows))
        .catch(() => setRows([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [q]);
  return (
    <section>
      <div class={styles.toolbar}>
        <input
          type="search"
          placeholder={pl.register.search}
          aria-label={pl.register.search}
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      </div>
      {open && <HistoryPanel flat={open} onClose={() => setOpen(null)} />}
      {rows && rows.length === 0 && <p>{pl.register.none}</p>}
      {rows && rows.length > 0 && (
        <table class={styles.table}>
          <thead>
            <tr>
              <th>{pl.register.flat}</th>
              <th>{pl.register.address}</th>
              <th>{pl.register.owners}</th>
              <th>{pl.register.status}</th>
              <th>{pl.register.contacts}</th>
              <th>{pl.register.from}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.flat}>
                <td>{r.flat}</td>
                <td>{r.address}</td>
                <td>{r.owners.join(", ")}</td>
                <td>
                  <span class={`${styles.badge} ${styles[r.status] ?? ""}`}>
                    {pl.register.statuses[r.status] ?? r.status}
                  </span>
                </td>
                <td>{[r.email, r.mobile].filter(Boolean).join(" · ")}</td>
                <td>{r.electronicFrom ? new Date(r.electronicFrom).toLocaleDateString("pl-PL") : "—"}</td>
                <td>
                  <button type="button" onClick={() => setOpen(r.flat)}>
                    {pl.register.history}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
