/** The doctor's board checks with a stand-in vcgencmd on PATH and a fake sysfs. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { checkBoard } from "./doctor/board.ts";

const REPO = new URL("..", import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A Pi as the doctor sees it: vcgencmd's answers, the board model, USB devices by id. */
function fakePi(o: { throttled?: string; gpu?: string; model?: string; usb?: string[] }) {
  const root = mkdtempSync(join(tmpdir(), "ekor-board-"));
  dirs.push(root);
  const bin = join(root, "bin");
  mkdirSync(bin);
  if (o.throttled !== undefined) {
    writeFileSync(
      join(bin, "vcgencmd"),
      `#!/bin/sh
case "$1" in
  get_throttled) echo "throttled=${o.throttled}" ;;
  get_mem) echo "gpu=${o.gpu ?? "76M"}" ;;
  *) exit 1 ;;
esac
`,
      { mode: 0o755 },
    );
  }
  const sysfs = join(root, "sys");
  mkdirSync(join(sysfs, "bus/usb/devices"), { recursive: true });
  for (const [i, id] of (o.usb ?? []).entries()) {
    const dev = join(sysfs, "bus/usb/devices", `1-1.${i + 1}`);
    mkdirSync(dev);
    writeFileSync(join(dev, "idVendor"), `${id.split(":")[0]}\n`);
    writeFileSync(join(dev, "idProduct"), `${id.split(":")[1]}\n`);
  }
  const modelFile = join(root, "model");
  writeFileSync(modelFile, `${o.model ?? "Raspberry Pi 4 Model B Rev 1.5"}\0`);
  return { path: `${bin}:/usr/bin:/bin`, sysfs, modelFile };
}

const byId = async (probe: ReturnType<typeof fakePi>) => {
  const findings = await checkBoard(probe);
  return (id: string) => findings.find((f) => f.id === id);
};

describe("doctor: power, GPU memory and the modem's USB mode", () => {
  it("is quiet on a healthy Pi 4", async () => {
    const find = await byId(fakePi({ throttled: "0x0", gpu: "76M", usb: ["12d1:1442"] }));
    expect(find("board.power")).toMatchObject({ status: "ok" });
    expect(find("board.throttling")).toBeUndefined();
    expect(find("board.gpu_memory")).toMatchObject({ status: "ok", en: "GPU memory: 76 MB" });
    expect(find("modem.usb_mode")).toBeUndefined();
  });

  it("fails on undervoltage now and warns about undervoltage and throttling since boot", async () => {
    const now = await byId(fakePi({ throttled: "0x50005" }));
    expect(now("board.power")).toMatchObject({ status: "fail", pl: expect.stringContaining("za niskie napięcie") });
    expect(now("board.power")?.fix?.pl).toContain("oryginalnego zasilacza");
    const earlier = await byId(fakePi({ throttled: "0x50000" }));
    expect(earlier("board.power")).toMatchObject({ status: "warn", en: "undervoltage has occurred since boot" });
    expect(earlier("board.throttling")).toMatchObject({ status: "info" });
    const hot = await byId(fakePi({ throttled: "0x4" }));
    expect(hot("board.throttling")).toMatchObject({ status: "warn" });
  });

  it("says it cannot check power where there is no vcgencmd", async () => {
    const find = await byId(fakePi({}));
    expect(find("board.power")).toMatchObject({ status: "info", en: expect.stringContaining("no vcgencmd") });
    expect(find("board.gpu_memory")).toBeUndefined();
  });

  it("warns about too little GPU memory, except on a Pi 5 (no split)", async () => {
    expect((await byId(fakePi({ throttled: "0x0", gpu: "16M" })))("board.gpu_memory")).toMatchObject({
      status: "warn",
      fix: { pl: expect.stringContaining("gpu_mem=128") },
    });
    const pi5 = await byId(fakePi({ throttled: "0x0", gpu: "4M", model: "Raspberry Pi 5 Model B Rev 1.0" }));
    expect(pi5("board.gpu_memory")).toBeUndefined();
  });

  it('says "modem in network mode: switch it" for a HiLink or unswitched Huawei stick', async () => {
    for (const id of ["12d1:14dc", "12d1:1f01"]) {
      const find = await byId(fakePi({ throttled: "0x0", usb: ["1d6b:0002", id] }));
      expect(find("modem.usb_mode")).toMatchObject({
        status: "fail",
        pl: expect.stringContaining("modem w trybie sieciowym: przełącz go"),
        en: expect.stringContaining("modem in network mode: switch it"),
      });
      expect(find("modem.usb_mode")?.fix?.en).toContain("usb_modeswitch -v 12d1 -p 1f01 -V 12d1 -P 1442");
    }
  });

  it("reports it through the doctor command, in Polish and English", async () => {
    const pi = fakePi({ throttled: "0x1", usb: ["12d1:14dc"] });
    const run = await execa(
      join(REPO, "node_modules/.bin/bun"),
      ["deploy/doctor/main.ts", "--url", "http://127.0.0.1:9"],
      {
        cwd: REPO,
        reject: false,
        env: { PATH: pi.path, EK_SYSFS: pi.sysfs, EK_DT_MODEL: pi.modelFile, DATA_DIR: join(pi.sysfs, "..", "data") },
        timeout: 30_000,
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("za niskie napięcie zasilania TERAZ");
    expect(run.stdout).toContain("undervoltage NOW");
    expect(run.stdout).toContain("modem in network mode: switch it");
  }, 40_000);
});
