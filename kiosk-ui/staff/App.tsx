import type { JSX } from "preact";
import { useEffect } from "preact/hooks";
import styles from "./App.module.css";
import { BouncesView } from "./components/BouncesView.tsx";
import { DevicesView } from "./components/DevicesView.tsx";
import { FailuresView } from "./components/FailuresView.tsx";
import { Login } from "./components/Login.tsx";
import { PaperFormView } from "./components/PaperFormView.tsx";
import { PaperView } from "./components/PaperView.tsx";
import { RegisterView } from "./components/RegisterView.tsx";
import { StatsView } from "./components/StatsView.tsx";
import { pl } from "./messages.ts";
import { checked, restoreSession, signOut, type Tab, tab, user } from "./model.ts";

const VIEWS: Record<Tab, () => JSX.Element | null> = {
  register: RegisterView,
  paperForm: PaperFormView,
  paper: PaperView,
  failures: FailuresView,
  bounces: BouncesView,
  devices: DevicesView,
  stats: StatsView,
};

export function App() {
  useEffect(() => {
    document.title = pl.title;
    void restoreSession();
  }, []);
  if (!checked.value) return null;
  if (!user.value) return <Login />;
  const View = VIEWS[tab.value];
  return (
    <div class={styles.shell}>
      <header class={styles.header}>
        <h1>{pl.title}</h1>
        <nav class={styles.tabs}>
          {(Object.keys(VIEWS) as Tab[]).map((t) => (
            <button type="button" class={t === tab.value ? styles.active : ""} onClick={() => (tab.value = t)} key={t}>
              {pl.tabs[t]}
            </button>
          ))}
        </nav>
        <span class={styles.who}>
          {user.value.displayName}{" "}
          <button type="button" onClick={() => void signOut()}>
            {pl.logout}
          </button>
        </span>
      </header>
      <main class={styles.main}>
        <View />
      </main>
    </div>
  );
}
