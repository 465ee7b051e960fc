/**
 * `npm run backup -- restore <file>`: puts a backup copy in place of the gateway's database, after
 * checking the copy (PRAGMA integrity_check, then the register chain). Nothing is replaced when a
 * check fails. The database it replaces is kept as `gateway.sqlite.replaced-<time>`.
 * Stop the gateway first (sudo systemctl stop e-korespondencja-gateway).
 */
import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { integrityCheck, openDb, openForeignSqlite } from "../../db/client.ts";
import { systemClock } from "../clock.ts";
import type { Config } from "../config.ts";
import { createLogger } from "../logger.ts";
import { ReceiptNumbers } from "../receipts/receiptNumbers.ts";
import { ConsentRegister } from "../services/register.ts";
import { databaseFile } from "../startup/dataDir.ts";

export function restoreBackup(config: Config, file: string | undefined): number {
  if (!file) {
    console.error("usage: npm run backup -- restore <backup file>   (stop the gateway first)");
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`restore: ${file} does not exist`);
    return 1;
  }
  const live = databaseFile(config);
  const candidate = `${live}.restoring`;
  for (const f of [candidate, `${candidate}-wal`, `${candidate}-shm`]) rmSync(f, { force: true });
  copyFileSync(file, candidate);
  const refuse = (why: string): number => {
    for (const f of [candidate, `${candidate}-wal`, `${candidate}-shm`]) rmSync(f, { force: true });
    console.error(`restore: ${file} ${why}; nothing was replaced`);
    return 1;
  };

  let verdict: string;
  try {
    const copy = openForeignSqlite(candidate, { readonly: true });
    try {
      verdict = integrityCheck(copy);
    } finally {
      copy.close();
    }
  } catch (err) {
    verdict = (err as Error).message;
  }
  if (verdict !== "ok") return refuse(`failed integrity_check (${verdict})`);

  let chain: ReturnType<ConsentRegister["verify"]>;
  const opened = openDb(candidate); // brings an older copy up to this release's schema
  try {
    chain = new ConsentRegister({ db: opened.db, clock: systemClock, config, logger: createLogger("silent") }).verify();
  } finally {
    opened.close();
  }
  if (!chain.ok)
    return refuse(`has a broken register chain (first bad event: seq ${chain.firstBadSeq}, ${chain.kind})`);

  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const kept = existsSync(live) ? `${live}.replaced-${stamp}` : null;
  if (kept) {
    for (const suffix of ["", "-wal", "-shm"]) {
      if (existsSync(live + suffix)) renameSync(live + suffix, kept + suffix);
    }
  }
  renameSync(candidate, live);
  for (const f of [`${candidate}-wal`, `${candidate}-shm`]) rmSync(f, { force: true });
  console.log(
    JSON.stringify({
      restored: file,
      into: live,
      previousKeptAs: kept,
      integrity: "ok",
      registerEvents: chain.events,
      headSeq: chain.headSeq,
      nextReceiptAbove: new ReceiptNumbers(config.dataDir).highest(config.kioskId),
    }),
  );
  return 0;
}
