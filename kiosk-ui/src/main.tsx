/** Kiosk entry: kiosk-style input handling (no context menu, zoom or selection) and the app. */
import { render } from "preact";
import { App, idle } from "./App.tsx";
import { loadKiosk } from "./models/kiosk.ts";
import "./styles/base.css";

// A touch counts as activity. While the idle warning shows, only a completed tap (click) ends it:
// ending it on pointerdown would remove the dialog mid-tap and the tap would land on the screen below.
for (const type of ["pointerdown", "keydown", "touchstart"]) {
  window.addEventListener(
    type,
    () => {
      if (!idle.warning.value) idle.touch();
    },
    { capture: true, passive: true },
  );
}
window.addEventListener("click", () => idle.touch(), { capture: true, passive: true });
window.addEventListener("contextmenu", (e) => e.preventDefault());
window.addEventListener("selectstart", (e) => e.preventDefault());
window.addEventListener("dragstart", (e) => e.preventDefault());
window.addEventListener("gesturestart", (e) => e.preventDefault());
window.addEventListener(
  "wheel",
  (e) => {
    if (e.ctrlKey) e.preventDefault();
  },
  { passive: false },
);
window.addEventListener(
  "touchmove",
  (e) => {
    if (e.touches.length > 1) e.preventDefault();
  },
  { passive: false },
);
// The URL never carries data and Back in the browser never leaves the app's flow.
history.replaceState(null, "", "/");

// Ask for the configuration and the directory before the first render, not after it.
void loadKiosk();
render(<App />, document.getElementById("app") as HTMLElement);
