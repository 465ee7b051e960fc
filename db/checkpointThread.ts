/**
 * The WAL checkpoint thread (started by openDb with `checkpointThread`): its own connection to
 * the database that copies committed pages from the WAL back into the database file once 1,000
 * frames are waiting (SQLite's own threshold), so that no commit on the event loop has to.
 * Without it SQLite runs that copy (about 4 MB, and an fsync of the database file) inside
 * whichever commit crosses the threshold, on the event loop.
 *
 * The thread learns how many frames wait from the wal-index header in the -shm file (mxFrame at
 * byte 16, nBackfill at byte 96: https://www.sqlite.org/walformat.html), a 136-byte read, so an
 * idle or quiet gateway costs nothing and the WAL grows and restarts as it did before. A PASSIVE
 * checkpoint takes no write lock: the gateway's writers go on appending and its readers are not
 * blocked. Durability does not change: a commit is durable in the WAL (synchronous=FULL) when
 * it returns, before any checkpoint.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { openCheckpointConnection } from "./client.ts";

export interface CheckpointThreadData {
  file: string;
  everyMs: number;
  /** Frames waiting in the WAL before the thread copies them back. */
  frames: number;
  /** [0]: set to 1 once the connection is closed (the opener waits for it when it closes). */
  closed: Int32Array;
}

export type CheckpointRequest = { pass: number } | "stop";
/** The answer to `{ pass }`: WAL frames in the log and how many of them are in the database file. */
export type CheckpointReply = { pass: number; log: number; checkpointed: number } | { error: string };

const port = parentPort;
if (port) {
  const { file, everyMs, frames, closed } = workerData as CheckpointThreadData;
  const connection = openCheckpointConnection(file);
  const shm = openSync(`${file}-shm`, "r");
  const header = Buffer.alloc(136);
  let failing = false;
  const checkpoint = () => {
    try {
      const row = connection.checkpoint();
      failing = false;
      return row;
    } catch (err) {
      // reported once per failing spell; the opener's own fallback threshold applies meanwhile
      if (!failing) port.postMessage({ error: (err as Error).message } satisfies CheckpointReply);
      failing = true;
      return null;
    }
  };
  const waiting = () => {
    if (readSync(shm, header, 0, header.length, 0) < header.length) return 0;
    return header.readUInt32LE(16) - header.readUInt32LE(96);
  };
  const timer = setInterval(() => {
    if (waiting() >= frames) checkpoint();
  }, everyMs);
  port.on("message", (msg: CheckpointRequest) => {
    if (msg !== "stop") {
      const row = checkpoint();
      if (row) port.postMessage({ pass: msg.pass, ...row } satisfies CheckpointReply);
      return;
    }
    clearInterval(timer);
    closeSync(shm);
    connection.close();
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    port.close();
  });
}
