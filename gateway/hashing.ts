/**
 * Password and owner-code hashing off the event loop. scrypt runs on the runtime's thread pool
 * (async `crypto.scrypt`); at most `concurrency` run at once and at most `maxQueued` wait. A
 * request beyond that is refused at once with BUSY (503) instead of queueing without bound, so a
 * flood of logins cannot stall the kiosk or grow memory.
 */
import { type BinaryLike, scrypt, timingSafeEqual } from "node:crypto";
import { KioskError } from "./errors.ts";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export class HashPool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limits: { concurrency: number; maxQueued: number }) {}

  /** Derives a key with scrypt on the thread pool; BUSY when the queue is full. */
  async scrypt(secret: string, salt: BinaryLike, keylen: number, params: ScryptParams): Promise<Buffer> {
    await this.acquire();
    try {
      return await new Promise<Buffer>((resolve, reject) =>
        scrypt(secret, salt, keylen, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      );
    } finally {
      this.release();
    }
  }

  /** Checks `secret` against a stored `scrypt$N$salt$hash` string in constant time. */
  async verify(secret: string, stored: string, r = 8, p = 1): Promise<boolean> {
    const [scheme, n, saltB64, hashB64] = stored.split("$");
    if (scheme !== "scrypt" || !saltB64 || !hashB64) return false;
    const expected = Buffer.from(hashB64, "base64");
    const actual = await this.scrypt(secret, Buffer.from(saltB64, "base64"), expected.length, { N: Number(n), r, p });
    return timingSafeEqual(actual, expected);
  }

  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.limits.maxQueued) {
      return Promise.reject(
        new KioskError("BUSY", "too many sign-in checks at once; try again in a moment", { retryAfterSeconds: 1 }),
      );
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
