/**
 * One hashing thread of the HashPool. It runs scrypt synchronously, one job at a time, on its own
 * thread, and first lowers that thread's scheduling priority (`nice`), so that a flood of wrong
 * passwords or owner codes takes only the CPU time nothing else wants: the gateway's event loop
 * and the kiosk's browser are served first.
 */
import { scryptSync } from "node:crypto";
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";

export interface HashJob {
  id: number;
  secret: string;
  salt: Uint8Array;
  keylen: number;
  N: number;
  r: number;
  p: number;
}

export type HashReply = { id: number; key: Uint8Array } | { id: number; error: string };
export type HashWorkerHello = { ready: true; niced: boolean };

/** Linux lets a thread change only its own nice value by its thread id, read from /proc. */
function niceThisThread(nice: number): boolean {
  if (nice === 0) return true;
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

const port = parentPort;
if (port) {
  const niced = niceThisThread(Number((workerData as { nice: number }).nice));
  port.on("message", (job: HashJob) => {
    try {
      const key = scryptSync(job.secret, job.salt, job.keylen, {
        N: job.N,
        r: job.r,
        p: job.p,
        maxmem: 256 * job.N * job.r + 1024 * 1024,
      });
      port.postMessage({ id: job.id, key } satisfies HashReply);
    } catch (err) {
      port.postMessage({ id: job.id, error: String((err as Error).message ?? err) } satisfies HashReply);
    }
  });
  port.postMessage({ ready: true, niced } satisfies HashWorkerHello);
}
