// Builds the kiosk UI when dist/ is missing or older than the sources (used by `npm start`).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, "dist", "index.html");

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sourcesChanged = () =>
  Math.max(newest(join(here, "src")), statSync(join(here, "index.html")).mtimeMs) > statSync(built).mtimeMs;

if (!existsSync(built) || sourcesChanged()) {
  console.log("Building the kiosk UI (vite)...");
  execFileSync(
    process.execPath,
    [join(here, "..", "node_modules", "vite", "bin", "vite.js"), "build", here, "--logLevel", "warn"],
    {
      stdio: "inherit",
    },
  );
}
