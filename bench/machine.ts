/**
 * What every bench says about the machine it ran on. A ratio taken while other work runs is
 * not a result: the reference path suffers from load differently from ours.
 *
 *   const machine = benchMachine("email");   // prints load and CPUs; refuses a busy machine
 *   …
 *   console.log(`ratio 0.93 ${machine.tag}`); // "" or "(NOT COMPARABLE: busy machine)"
 *
 * Busy = the 1-minute load average above half the CPUs. Without `--force` a busy machine ends
 * the bench with exit code 3 before it measures anything; with `--force` it runs and every
 * figure carries the tag. The load is printed again when the process exits.
 */
import { readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";

export interface BenchMachine {
  busy: boolean;
  /** Appended to every figure: empty on a quiet machine. */
  tag: string;
}

export const loadLine = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (1/5/15 min) on ${cpus().length} CPUs`;

export function benchMachine(name: string, argv: string[] = process.argv): BenchMachine {
  const busy = loadavg()[0] > cpus().length / 2;
  console.log(`[${name}] before: ${loadLine()}`);
  process.on("exit", () => console.log(`[${name}] after:  ${loadLine()}`));
  if (busy && !argv.includes("--force")) {
    console.log(
      `[${name}] the machine is busy (1-minute load above half the CPUs): not measuring. ` +
        "Run it on a quiet machine, or with --force to measure anyway (the result is then marked not comparable).",
    );
    process.exit(3);
  }
  if (busy) console.log(`[${name}] --force on a busy machine: every figure below is NOT COMPARABLE`);
  return { busy, tag: busy ? "(NOT COMPARABLE: busy machine)" : "" };
}

/** Median of per-round ratios with their spread, e.g. "0.93 (rounds 0.88–0.97, n=7)". */
export function ratioSummary(ratios: number[], digits = 2): { median: number; text: string } {
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return {
    median,
    text: `${median.toFixed(digits)} (rounds ${sorted[0].toFixed(digits)}–${sorted[sorted.length - 1].toFixed(digits)}, n=${sorted.length})`,
  };
}

/** Modules the benches share, and the runner: not benches themselves. */
const SHARED = ["run.ts", "machine.ts", "processCpu.ts"];

/** The benches in bench/ (`npm run bench` runs them all), by name, sorted. */
export function benchNames(dir = new URL(".", import.meta.url).pathname): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !SHARED.includes(f) && !f.endsWith(".test.ts"))
    .map((f) => f.replace(/\.ts$/, ""))
    .sort();
}
