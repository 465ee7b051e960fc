import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { pl } from "../messages.ts";
import styles from "./Table.module.css";

interface Event {
  seq: number;
  type: string;
  occurredAt: string;
  ownerId: string | null;
  payload: Record<string, unknown>;
}

const REJECTABLE = new Set(["enrolled", "contacts_updated", "recipient_replaced"]);

export function HistoryPanel({ flat, onClose }: { flat: string; onClose: () => void }) {
  const [events, setEvents] = useState<Event[]>([]);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const load = () =>
    api<{ events: Event[] }>("GET", `/flats/${encodeURIComponent(flat)}/history`)
      .then((r) => setEvents(r.events))
      .catch(() => setEvents([]));
  useEffect(() => {
    void load();
  }, [flat]);
  const last = [...events]
    .reverse()
    .find((e) => REJECTABLE.has(e.type) || e.type === "withdrawn" || e.type === "office_rejected");
  const reject = async () => {
    if (!last) return;
    try {
      await api("POST", "/decisions", { flat, seq: last.seq, reason });
      setNote(pl.history.rejected);
      setReason("");
      await load();
    } catch (err) {
      setNote(String((err as Error).message));
    }
  };
  return (
    <section class={styles.panel} aria-label={pl.history.heading(flat)}>
      <div class={styles.toolbar}>
        <strong>{pl.history.heading(flat)}</strong>
        <button type="button" onClick={onClose}>
          {pl.history.close}
        </button>
      </div>
      <table class={styles.table}>
        <thead>
          <tr>
            <th>{pl.history.seq}</th>
            <th>{pl.history.when}</th>
            <th>{pl.history.type}</th>
            <th>{pl.history.details}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{new Date(e.occurredAt).toLocaleString("pl-PL")}</td>
              <td>{pl.history.types[e.type] ?? e.type}</td>
              <td class={styles.muted}>{JSON.stringify(e.payload)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {last && REJECTABLE.has(last.type) && (
        <div class={styles.toolbar}>
          <input
            placeholder={pl.history.rejectReason}
            aria-label={pl.history.rejectReason}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <button type="button" disabled={reason.trim().length < 3} onClick={() => void reject()}>
            {pl.history.reject}
          </button>
        </div>
      )}
      {note && <p role="status">{note}</p>}
    </section>
  );
}
