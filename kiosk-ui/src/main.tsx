/** Kiosk entry: kiosk-style input handling (no context menu, zoom or selection) and the app. */
import { render } from "preact";
import { App, idle } from "./App.tsx";
import "./styles/base.css";

for (const type of ["pointerdown", "keydown", "touchstart"]) {
  window.addEventListener(type, () => idle.touch(), { capture: true, passive: true });
}
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

render(<App />, document.getElementById("app") as HTMLElement);
