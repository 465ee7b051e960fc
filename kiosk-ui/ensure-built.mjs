// Builds the kiosk UI (and the staff console) when dist/ is missing or older than the sources.
//   node kiosk-ui/ensure-built.mjs               build now, fail loudly (npm test)
//   node kiosk-ui/ensure-built.mjs --background  build in a detached process (npm start: the gateway
//                                                answers /healthz at once and shows "preparing" until done)
//   node kiosk-ui/ensure-built.mjs --if-possible build now when Vite is installed; never fail (postinstall)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, "dist", "index.html");
const vite = join(here, "..", "node_modules", "vite", "bin", "vite.js");
const mode = process.argv[2] ?? "";

function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function upToDate() {
  if (!existsSync(built)) return false;
  const sources = Math.max(
    newest(join(here, "src")),
    newest(join(here, "staff")),
    statSync(join(here, "index.html")).mtimeMs,
    statSync(join(here, "vite.config.ts")).mtimeMs,
  );
  return sources <= statSync(built).mtimeMs;
}

if (upToDate()) process.exit(0);
if (!existsSync(vite)) {
  if (mode === "--if-possible") process.exit(0);
  console.error("kiosk UI: not built and Vite is not installed (run `npm install` with dev dependencies)");
  process.exit(mode === "--background" ? 0 : 1);
}

const args = [vite, "build", here, "--logLevel", "warn"];
if (mode === "--background") {
  console.log("Building the kiosk UI in the background (Vite); the page appears when it is ready.");
  spawn(process.execPath, args, { stdio: "inherit", detached: false }).unref();
} else {
  console.log("Building the kiosk UI (Vite)...");
  try {
    execFileSync(process.execPath, args, { stdio: "inherit" });
  } catch (err) {
    if (mode !== "--if-possible") throw err;
    console.warn("kiosk UI build failed; `npm start` will try again");
  }
}
