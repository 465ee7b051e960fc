/**
 * `npm run bench`: runs every benchmark in bench/ one after another (never in parallel: they
 * compare against a reference measured in the same run, and parallel runs would skew both).
 * `npm run bench -- register email` runs only those.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".test.ts"))
  .map((f) => f.replace(/\.ts$/, ""))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n=== bench/${name}.ts ===`);
  const result = spawnSync(process.execPath, [join(here, `${name}.ts`)], { stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    console.log(`bench/${name}.ts exited with ${result.status ?? result.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
