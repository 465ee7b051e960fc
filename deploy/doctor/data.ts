/** Disk space, database integrity, the consent register's chain, and backups. */
import { existsSync, readdirSync, statfsSync, statSync } from "node:fs";
import { join } from "node:path";
import { integrityCheck, openDb } from "../../db/client.ts";
import { systemClock } from "../../gateway/clock.ts";
import type { Config } from "../../gateway/config.ts";
import { createLogger } from "../../gateway/logger.ts";
import { ConsentRegister } from "../../gateway/services/register.ts";
import { type Finding, finding } from "./findings.ts";

const MB = 1024 * 1024;

/**
 * Free space on the data directory's disk, in plain words: how much, on which path, and what to
 * free. `gatewayDisk` is the running gateway's `disk` health part: "down" means a write already
 * failed for lack of space (the kiosk shows its out-of-service screen until space is freed).
 */
export function checkDisk(
  dir: string,
  minFreeMb: number,
  gatewayDisk?: { status: string; [k: string]: unknown },
): Finding {
  const area = "Dysk";
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  const pct = Math.round((fs.bavail / fs.blocks) * 100);
  const mb = Math.round(free / MB);
  const text = `${dir}: ${mb} MB wolne (${pct}%)`;
  const en = `${dir}: ${mb} MB free (${pct}%)`;
  const fix = {
    pl: `zwolnij miejsce na ${dir}: sudo journalctl --vacuum-size=100M; usuń najstarsze kopie z ${join(dir, "backups")} (zostaw najnowszą); co zajmuje miejsce: sudo du -xh ${dir} | sort -h | tail; brama i kiosk wrócą same, bez restartu`,
    en: `free space on ${dir}: sudo journalctl --vacuum-size=100M; delete the oldest copies in ${join(dir, "backups")} (keep the newest); what takes the space: sudo du -xh ${dir} | sort -h | tail; the gateway and the kiosk come back by themselves, no restart`,
  };
  if (gatewayDisk?.status === "down") {
    const since = typeof gatewayDisk.writeFailedAt === "string" ? ` (${gatewayDisk.writeFailedAt})` : "";
    return finding(
      "disk.free",
      area,
      "fail",
      `dysk pełny: brama nie może zapisać danych${since}, kiosk pokazuje „Kiosk chwilowo nie działa”; ${text}`,
      `disk full: the gateway cannot write its data${since}, the kiosk shows "out of service"; ${en}`,
      fix,
    );
  }
  if (free < minFreeMb * MB)
    return finding(
      "disk.free",
      area,
      "fail",
      `dysk prawie pełny, poniżej progu bramy (disk.minFreeMb = ${minFreeMb} MB): ${text}; następny zapis może się nie udać`,
      `disk nearly full, below the gateway's threshold (disk.minFreeMb = ${minFreeMb} MB): ${en}; the next write may fail`,
      fix,
    );
  if (free < 200 * MB || pct < 5)
    return finding("disk.free", area, "fail", `prawie pełny dysk: ${text}`, `disk nearly full: ${en}`, fix);
  if (free < 1024 * MB || pct < 15)
    return finding("disk.free", area, "warn", `mało miejsca: ${text}`, `low on space: ${en}`, fix);
  return finding("disk.free", area, "ok", text, en);
}

export function checkDatabase(config: Config): Finding[] {
  const area = "Baza danych";
  const file = join(config.dataDir, "gateway.sqlite");
  if (!existsSync(file)) {
    return [
      finding(
        "db.integrity",
        area,
        "fail",
        `brak bazy danych ${file} (brama nigdy nie wystartowała?)`,
        `no database at ${file} (has the gateway ever started?)`,
      ),
    ];
  }
  const database = openDb(file);
  try {
    const verdict = integrityCheck(database.sqlite);
    const out = [
      verdict === "ok"
        ? finding("db.integrity", area, "ok", "integralność bazy: ok", "database integrity: ok")
        : finding("db.integrity", area, "fail", `baza uszkodzona: ${verdict}`, `database damaged: ${verdict}`, {
            pl: "zatrzymaj bramę i odtwórz ostatnią kopię: npm run backup -- restore /var/lib/e-korespondencja/backups/<plik> (docs/going-live.md, krok 8)",
            en: "stop the gateway and restore the latest copy: npm run backup -- restore /var/lib/e-korespondencja/backups/<file> (docs/going-live.md, step 8)",
          }),
    ];
    const register = new ConsentRegister({
      db: database.db,
      clock: systemClock,
      config,
      logger: createLogger("silent"),
    });
    const chain = register.verify();
    out.push(
      chain.ok
        ? finding(
            "db.register",
            "Rejestr zgód",
            "ok",
            `łańcuch rejestru nienaruszony (${chain.events} zdarzeń)`,
            `register chain intact (${chain.events} events)`,
          )
        : finding(
            "db.register",
            "Rejestr zgód",
            "fail",
            `łańcuch rejestru przerwany przy zdarzeniu #${chain.firstBadSeq} (${chain.kind})`,
            `register chain broken at event #${chain.firstBadSeq} (${chain.kind})`,
            {
              pl: "nie zapisuj nic nowego; zgłoś do biura; potem: npm run register -- verify, i po wyjaśnieniu: npm run register -- acknowledge",
              en: "do not write anything new; tell the office; then: npm run register -- verify, and once explained: npm run register -- acknowledge",
            },
          ),
    );
    return out;
  } finally {
    database.close();
  }
}

export function checkBackups(config: Config, now: () => number = Date.now, maxAgeHours = 48): Finding {
  const area = "Kopie zapasowe";
  const dir = join(config.dataDir, "backups");
  const copies = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => /^gateway-.*\.sqlite$/.test(n))
        .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
        .sort((a, b) => b.mtime - a.mtime)
    : [];
  if (copies.length === 0) {
    return finding(
      "backups.recent",
      area,
      "warn",
      "jeszcze nie ma kopii (pierwsza powstanie w nocy)",
      "no backup yet (the first is made tonight)",
      {
        pl: "zrób kopię teraz: sudo e-korespondencja-backup",
        en: "make one now: sudo e-korespondencja-backup",
      },
    );
  }
  const hours = Math.round((now() - copies[0].mtime) / 3_600_000);
  return hours <= maxAgeHours
    ? finding(
        "backups.recent",
        area,
        "ok",
        `ostatnia kopia ${copies[0].name} (${hours} h temu, razem ${copies.length})`,
        `latest backup ${copies[0].name} (${hours} h ago, ${copies.length} kept)`,
      )
    : finding(
        "backups.recent",
        area,
        "fail",
        `ostatnia kopia ma ${hours} h — nocne kopie nie działają`,
        `the latest backup is ${hours} h old — nightly backups are not running`,
        {
          pl: "sudo systemctl status e-korespondencja-backup.timer e-korespondencja-backup.service",
          en: "sudo systemctl status e-korespondencja-backup.timer e-korespondencja-backup.service",
        },
      );
}
