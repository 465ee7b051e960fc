import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "./clock.ts";
import { validateConfig } from "./config.ts";
import { Lifecycle } from "./lifecycle.ts";
import { createLogger } from "./logger.ts";
import { startGateway } from "./runtime.ts";
import { freePort } from "./testing/local.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("the gateway's lifecycle", () => {
  it("stops its parts newest first, each once, even when one of them fails to stop", async () => {
    const lifecycle = new Lifecycle(createLogger("silent"));
    const stopped: string[] = [];
    for (const name of ["housekeeping", "receipts", "messaging"]) {
      lifecycle.add({
        name,
        stop: () => {
          stopped.push(name);
          if (name === "receipts") throw new Error("printer gone");
        },
      });
    }
    await Promise.all([lifecycle.stop(), lifecycle.stop()]);
    expect(stopped).toEqual(["messaging", "receipts", "housekeeping"]);
  });

  it("stops the parts already started when a later part cannot start, and the start fails with the cause", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ekor-lifecycle-"));
    dirs.push(dataDir);
    const mailPort = await freePort();
    // The SMS part starts after the mail sink; a directory where gammu's database file should be stops it.
    const config = validateConfig({
      demo: true,
      dataDir,
      logLevel: "silent",
      email: { driver: "sink", port: mailPort },
      sms: { driver: "gammu", gammuDb: "." },
    });
    await expect(
      startGateway(config, { clock: new ManualClock("2026-03-02T10:00:00Z"), logger: createLogger("silent") }),
    ).rejects.toThrow(/unable to open database file/);
    expect(await listening(mailPort)).toBe(false);
  });
});
