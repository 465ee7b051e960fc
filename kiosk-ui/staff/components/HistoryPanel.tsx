import { useEffect, useState } from "preact/hooks";
import { type Answer, call, staffApi } from "../api.ts";
import { localDateTime } from "../format.ts";
import { pl } from "../messages.ts";
import styles from "./Table.module.css";

type History = Answer<(typeof staffApi.flats)[":flat"]["history"]["$get"]>;
type Event = History["events"][number];
type Lock = History["lock"];

const REJECTABLE = new Set(["enrolled", "contacts_updated", "recipient_replaced"]);

export function HistoryPanel({ flat, onClose }: { flat: string; onClose: () => void }) {
  const [events, setEvents] = useState<Event[]>([]);
  const [lock, setLock] = useState<Lock | null>(null);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const load = () =>
    call(staffApi.flats[":flat"].history.$get, { param: { flat: encodeURIComponent(flat) } })
      .then((r) => {
        setEvents(r.events);
        setLock(r.lock);
      })
      .catch(() => setEvents([]));
  const unlock = async () => {
    try {
      await call(staffApi.flats[":flat"].unlock.$post, { param: { flat: encodeURIComponent(flat) } });
      setNote(pl.history.unlocked);
      await load();
    } catch (err) {
      setNote(String((err as Error).message));
    }
  };
  useEffect(() => {
    void load();
  }, [flat]);
  const last = [...events]
    .reverse()
    .find((e) => REJECTABLE.has(e.type) || e.type === "withdrawn" || e.type === "office_rejected");
  const reject = async () => {
    if (!last) return;
    try {
      await call(staffApi.decisions.$post, { json: { flat, seq: last.seq, reason } });
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
      {lock?.locked && (
        <div class={styles.toolbar} role="alert">
          <span>{pl.history.locked(lock.failures, localDateTime(lock.until ?? ""))}</span>
          <button type="button" onClick={() => void unlock()}>
            {pl.history.unlock}
          </button>
        </div>
      )}
      {lock?.unlocks.map((u) => (
        <p class={styles.muted} key={u.at}>
          {pl.history.unlockedBy(u.by, localDateTime(u.at))}
        </p>
      ))}
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
              <td>{localDateTime(e.occurredAt)}</td>
              <td>{pl.history.types[e.type] ?? e.type}</td>
              <td>{e.description}</td>
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
