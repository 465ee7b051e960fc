/**
 * Files the gateway writes hold residents' personal data and the kiosk's signing key: they are
 * private to the service user whatever the umask it was started with.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { createTransport } from "nodemailer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_INPUT } from "./receipts/fixtures.ts";
import { startTestGateway, type TestGateway } from "./testing/harness.ts";

const REPO = new URL("..", import.meta.url).pathname;
const BUN = join(REPO, "node_modules/.bin/bun");

function modesUnder(root: string): Array<{ path: string; mode: string; dir: boolean }> {
  const out: Array<{ path: string; mode: string; dir: boolean }> = [];
  const walk = (path: string) => {
    const st = statSync(path);
    out.push({ path: path.slice(root.length) || "/", mode: (st.mode & 0o777).toString(8), dir: st.isDirectory() });
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return out;
}

describe("file modes", () => {
  let previousUmask: number;
  let gw: TestGateway | undefined;
  beforeEach(() => {
    previousUmask = process.umask(0o000);
  });
  afterEach(async () => {
    process.umask(previousUmask);
    await gw?.dispose();
    gw = undefined;
  });

  it("creates data files 0600 and directories 0700 even under umask 000", async () => {
    gw = await startTestGateway();
    // Something in every part that writes: a slip on the virtual printer, a mail in the sink.
    const receipts = gw.ctx.receipts;
    if (!receipts) throw new Error("receipts not started");
    const issued = gw.ctx.db.transaction((tx) => receipts.issue(tx, SAMPLE_INPUT));
    expect(await receipts.print(issued.number)).toEqual({ status: "printed" });
    const sink = gw.ctx.mailSink;
    if (!sink) throw new Error("demo mail sink not started");
    await createTransport({ host: "127.0.0.1", port: sink.port, ignoreTLS: true }).sendMail({
      from: "korespondencja@naszdom.radom.pl",
      to: "jan.kowalski@example.com",
      subject: "test",
      text: "test",
    });
    const files = modesUnder(gw.dataDir);
    expect(files.find((f) => f.path === "/gateway.sqlite")).toBeDefined();
    expect(files.find((f) => f.path.startsWith("/keys/"))).toBeDefined();
    const loose = files.filter((f) => f.mode !== (f.dir ? "700" : "600"));
    expect(loose).toEqual([]);
  });

  it("writes backups 0600 in a 0700 directory even under umask 000", async () => {
    gw = await startTestGateway();
    const run = await execa(BUN, ["gateway/cli/backup.ts"], {
      cwd: REPO,
      reject: false,
      env: { DATA_DIR: gw.dataDir, CONFIG_FILE: "" },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const backups = modesUnder(join(gw.dataDir, "backups"));
    expect(backups.length).toBeGreaterThan(1);
    expect(backups.filter((f) => f.mode !== (f.dir ? "700" : "600"))).toEqual([]);
  });

  it("tightens a data directory and database left world-readable by an older version", async () => {
    gw = await startTestGateway();
    const dataDir = gw.dataDir;
    await gw.stop();
    const { chmodSync } = await import("node:fs");
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, "gateway.sqlite"), 0o644);
    gw = await startTestGateway({ dataDir });
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe("700");
    expect((statSync(join(dataDir, "gateway.sqlite")).mode & 0o777).toString(8)).toBe("600");
  });
});
