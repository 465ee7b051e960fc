import { useEffect, useState } from "preact/hooks";
import { type Answer, call, staffApi } from "../api.ts";
import { pl } from "../messages.ts";
import styles from "./Table.module.css";

type Item = Answer<typeof staffApi.paper.$get>["items"][number];

const today = () => new Date().toLocaleDateString("en-CA", { timeZone: "Europe/Warsaw" });

export function PaperView() {
  const [date, setDate] = useState(today());
  const [items, setItems] = useState<Item[] | null>(null);
  useEffect(() => {
    call(staffApi.paper.$get, { query: { date } })
      .then((r) => setItems(r.items))
      .catch(() => setItems([]));
  }, [date]);
  return (
    <section>
      <div class={styles.toolbar}>
        <label>
          {pl.paper.date} <input type="date" value={date} onInput={(e) => setDate(e.currentTarget.value || today())} />
        </label>
        <button type="button" onClick={() => window.print()}>
          {pl.paper.print}
        </button>
        <a href={`/office/api/paper.csv?date=${date}`} download>
          {pl.paper.csv}
        </a>
      </div>
      {items && items.length === 0 && <p>{pl.paper.empty}</p>}
      {items && items.length > 0 && (
        <table class={styles.table}>
          <thead>
            <tr>
              <th>{pl.paper.id}</th>
              <th>{pl.register.address}</th>
              <th>{pl.register.owners}</th>
              <th>{pl.paper.subject}</th>
              <th>{pl.paper.reason}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={`${i.category}:${i.correspondence_id}`}>
                <td>{i.correspondence_id}</td>
                <td>{i.address}</td>
                <td>{i.owners.join(", ")}</td>
                <td>
                  {i.subject}
                  {/* A rejection notice: the clerk writes the office's own reason into the letter. */}
                  {i.rejection_reason && (
                    <>
                      <br />
                      {pl.paper.rejectionReason}: {i.rejection_reason}
                    </>
                  )}
                </td>
                <td>{i.reason_text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
