import { useState } from "preact/hooks";
import { ApiError } from "../api.ts";
import { pl } from "../messages.ts";
import { signIn } from "../model.ts";
import styles from "./Login.module.css";

export function Login() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        const left = err.details.attemptsLeft;
        setError(`${pl.login.wrong}${typeof left === "number" ? ` ${pl.login.attemptsLeft(left)}` : ""}`);
      } else if (err instanceof ApiError && err.status === 429) {
        setError(pl.login.locked(Math.ceil(Number(err.details.retryAfterSeconds ?? 900) / 60)));
      } else setError(pl.login.failed);
      setPassword("");
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class={styles.form} onSubmit={submit}>
      <h1>{pl.login.heading}</h1>
      <label>
        {pl.login.username}
        <input
          name="username"
          autoComplete="username"
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        {pl.login.password}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      {error && (
        <p role="alert" class={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {pl.login.submit}
      </button>
    </form>
  );
}
