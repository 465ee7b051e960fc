/**
 * `npm run bench`: runs every benchmark in bench/ one after another (never in parallel: they
 * compare against a reference measured in the same run, and parallel runs would skew both).
 * `npm run bench -- register email` runs only those; `--force` is passed on (see bench/machine.ts).
 * A bench that finds the machine busy exits 3 without measuring; that is reported, not failed.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchNames } from "./machine.ts";

const here = dirname(fileURLToPath(import.meta.url));
const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const benches = benchNames()
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

let failed = 0;
let skipped = 0;
for (const name of benches) {
  console.log(`\n=== bench/${name}.ts ===`);
  const result = spawnSync(process.execPath, [join(here, `${name}.ts`), ...flags], { stdio: "inherit" });
  if (result.status === 3) {
    skipped++;
    continue;
  }
  if (result.status !== 0) {
    failed++;
    console.log(`bench/${name}.ts exited with ${result.status ?? result.signal}`);
  }
}
if (skipped > 0)
  console.log(`\n${skipped} bench(es) did not measure: the machine was busy (use --force to measure anyway)`);
process.exitCode = failed ? 1 : 0;
