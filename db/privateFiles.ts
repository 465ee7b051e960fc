/**
 * Files that hold residents' data, keys or slips are private to the service user: 0600 files in
 * 0700 directories, set explicitly so the umask a process was started with does not matter
 * (`npm start` runs under the login's usual 022).
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates the directory (and missing parents, 0700 too) and tightens it if it existed. A shared
 * directory with the sticky bit (/tmp, /var/tmp) is left as it is: it is not ours to close, and
 * closing it breaks every other program (a file configured straight in /tmp names it as its dir).
 */
export function privateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((statSync(path).mode & 0o1000) === 0) chmodSync(path, PRIVATE_DIR_MODE);
  return path;
}

/** Writes (or replaces) a file that only the service user may read. */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  // The mode only applies on creation and never loosens under any umask; chmod covers a file
  // an older version left readable.
  writeFileSync(path, data, { mode: PRIVATE_FILE_MODE });
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Tightens files that another program (SQLite, gammu-smsd) created, if they exist. */
export function makePrivate(...paths: string[]): void {
  for (const path of paths) if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
}
