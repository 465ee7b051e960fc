import { useEffect, useState } from "preact/hooks";
import { type Answer, call, staffApi } from "../api.ts";
import { pl } from "../messages.ts";
import styles from "./Table.module.css";

type Bounce = Answer<typeof staffApi.bounces.$get>["bounces"][number];

/** Bounces the classifier could not read: a person reads them and marks them reviewed. */
export function BouncesView() {
  const [rows, setRows] = useState<Bounce[] | null>(null);
  const load = () =>
    call(staffApi.bounces.$get, { query: { kind: "unclassified" } })
      .then((r) => setRows(r.bounces))
      .catch(() => setRows([]));
  useEffect(() => {
    void load();
  }, []);
  if (!rows) return null;
  return (
    <section>
      <p>{pl.bounces.intro}</p>
      {rows.length === 0 ? (
        <p>{pl.bounces.empty}</p>
      ) : (
        <table class={styles.table}>
          <thead>
            <tr>
              <th>{pl.bounces.when}</th>
              <th>{pl.bounces.recipient}</th>
              <th>{pl.bounces.message}</th>
              <th>{pl.bounces.reviewed}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{new Date(r.receivedAt).toLocaleString("pl-PL", { timeZone: "Europe/Warsaw" })}</td>
                <td>{r.recipient ?? "—"}</td>
                <td>
                  <details>
                    <summary>{(r.raw ?? "").split("\n").find((l) => /^subject:/i.test(l)) ?? "—"}</summary>
                    <pre>{r.raw}</pre>
                  </details>
                </td>
                <td>
                  {r.reviewedAt ? (
                    `${r.reviewedBy}, ${new Date(r.reviewedAt).toLocaleString("pl-PL", { timeZone: "Europe/Warsaw" })}`
                  ) : (
                    <button
                      type="button"
                      onClick={() =>
                        call(staffApi.bounces[":id"].reviewed.$post, { param: { id: encodeURIComponent(r.id) } }).then(
                          load,
                        )
                      }
                    >
                      {pl.bounces.markReviewed}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
