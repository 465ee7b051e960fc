import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReceiptPrinter } from "../receiptPrinter.ts";
import { TcpTransport } from "../transports.ts";
import { VirtualPrinter } from "./virtualPrinter.ts";

// A real full filesystem: a 256 KiB tmpfs, filled up. Needs root (CI and `npm test` run as root).
const mountPoint = mkdtempSync(join(tmpdir(), "ekor-full-"));
beforeAll(() => {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", mountPoint]);
  mkdirSync(join(mountPoint, "printer"));
});
afterAll(() => {
  execFileSync("umount", ["-l", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

function fillUp(dir: string): void {
  try {
    for (let i = 0; ; i++) writeFileSync(join(dir, `filler-${i}`), Buffer.alloc(16 * 1024));
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
  }
}

describe("the virtual printer on a full disk", () => {
  it("keeps running and keeps the slip in memory when its files cannot be written (ENOSPC)", async () => {
    const vp = new VirtualPrinter({ outDir: join(mountPoint, "printer"), widthMm: 58, png: true });
    await vp.start();
    fillUp(mountPoint);
    const printer = new ReceiptPrinter({ transport: new TcpTransport("127.0.0.1", vp.port), widthMm: 58 });
    const next = vp.nextSlip();
    await printer.print({
      blocks: [
        { kind: "text", text: "Potwierdzenie K1-000001", bold: true },
        { kind: "feed", lines: 2 },
      ],
    });
    const slip = await next;
    expect(slip.text).toContain("K1-000001");
    expect(vp.lastStoreError).toMatch(/ENOSPC/);
    printer.close();
    await vp.stop();
  });
});
