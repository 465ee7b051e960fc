/**
 * CPU seconds (user + system) a process has used, read from /proc/<pid>/stat, and the same for a
 * PostgreSQL server: the postmaster, every live child (backends, WAL writer, checkpointer…) and
 * the children it has already reaped. Linux only; elsewhere every figure is 0.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const TICKS = 100;

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces: the fields start after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** utime + stime of one process (fields 14 and 15), plus reaped children's when asked (16, 17). */
function seconds(fields: string[], withReaped: boolean): number {
  const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]].map(Number);
  return (utime + stime + (withReaped ? cutime + cstime : 0)) / TICKS;
}

export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? seconds(fields, false) : 0;
}

/** The server whose data directory is `dataDir`: its postmaster and all its processes. */
export function postgresCpuSeconds(dataDir: string): number {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(pid);
    if (!fields) continue;
    if (pid === postmaster) total += seconds(fields, true);
    else if (Number(fields[1]) === postmaster) total += seconds(fields, false);
  }
  return total;
}
