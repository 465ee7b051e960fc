import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { receipts } from "../../db/schema/index.ts";
import { VirtualPrinter } from "../../drivers/printer/virtual/virtualPrinter.ts";
import type { ReceiptInput } from "../context.ts";
import { demoOwnersRegister } from "../demo/ownersRegister.ts";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";
import { SAMPLE_INPUT } from "./fixtures.ts";
import { type ParsedQr, parseQrText, qrTextOf } from "./qrText.ts";
import type { ReceiptsPart } from "./startReceipts.ts";

const ROOT = join(import.meta.dirname, "..", "..");

let gw: TestGateway;
let part: ReceiptsPart;

// One gateway for the file (start-up is the slow part); each test starts from a ready printer.
beforeAll(async () => {
  gw = await startTestGateway({
    printer: { uri: "virtual", widthMm: 58, pollSeconds: 0.05, reprintWindowMinutes: 10 },
  });
  part = gw.parts.find((p) => p.name === "receipts") as ReceiptsPart;
});
afterAll(async () => {
  await gw.dispose();
});
beforeEach(async () => {
  part.virtualPrinter!.state = "ok";
  await until(() => part.printer.state.state === "ready");
  part.virtualPrinter!.slips.splice(0);
});

/** A kiosk session for the sample slip's flat (only that resident may reprint it). */
async function sessionFor(flatCode = SAMPLE_INPUT.flatCode): Promise<string> {
  const flat = demoOwnersRegister().codes.find((c) => c.flatCode === flatCode)!;
  const res = await gw.json("POST", "/api/v1/kiosk/identify", {
    flatCode,
    surname: flat.surnames[0],
    ownerCode: flat.code,
  });
  return res.body.session;
}

function issue(input: ReceiptInput = SAMPLE_INPUT) {
  const service = gw.ctx.receipts;
  return gw.ctx.db.transaction((tx) => service.issue(tx, input));
}

function qrFromPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a confirmation slip end to end", () => {
  it("prints to the virtual printer; the QR read from the PNG verifies", async () => {
    const issued = issue();
    expect(issued.number).toMatch(/^K1-\d{6}$/);
    const vp = part.virtualPrinter!;
    const next = vp.nextSlip();
    expect(await gw.ctx.receipts.print(issued.number)).toEqual({ status: "printed" });
    const slip = await next;
    expect(slip.text).toContain("Właściciel: Małgorzata\n  Żółkiewska-Ślęzak");
    expect(slip.text).toContain(`Nr: ${issued.number}`);
    expect(slip.file.startsWith(join(gw.dataDir, "printer"))).toBe(true);
    expect(readFileSync(join(gw.dataDir, "printer", "latest.png")).equals(slip.png)).toBe(true);

    const scanned = qrFromPng(slip.png);
    expect(scanned).toBe(issued.qr);
    const res = await gw.json("POST", "/api/v1/receipts/verify", { qr: scanned });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      valid: true,
      issuedHere: true,
      receipt: { number: issued.number, flatCode: "KEL10-A-12", email: "m***@gmail.com", electronicFrom: "2026-03-16" },
    });
    expect((await gw.json("GET", `/api/v1/receipts/${issued.number}/status`)).body).toEqual({ status: "printed" });
  });

  it("answers valid: false with a reason for a tampered or cut QR", async () => {
    const { qr } = issue();
    const parsed = parseQrText(qr) as ParsedQr;
    const data = JSON.parse(parsed.signed.toString());
    data.o = "Jan Oszust";
    const forged = qrTextOf(parsed.kid, JSON.stringify(data), parsed.signature);
    expect((await gw.json("POST", "/api/v1/receipts/verify", { qr: forged })).body).toEqual({
      valid: false,
      reason: "bad_signature",
    });
    // Base45 has "." in its alphabet: a cut that happens to end on one looks complete (1 slip in 45;
    // signing.test.ts covers that case), so this cut keeps a last character that is not a dot.
    let cut = qr.length - 10;
    while (qr[cut - 1] === ".") cut -= 1;
    expect((await gw.json("POST", "/api/v1/receipts/verify", { qr: qr.slice(0, cut) })).body).toEqual({
      valid: false,
      reason: "truncated",
    });
    expect((await gw.json("POST", "/api/v1/receipts/verify", {})).status).toBe(400);
  });

  it("numbers slips per kiosk and stores nothing when the enrolment transaction rolls back", () => {
    const before = gw.ctx.db.select().from(receipts).all().length;
    const first = Number(issue().number.slice(3));
    expect(() =>
      gw.ctx.db.transaction((tx) => {
        gw.ctx.receipts.issue(tx, SAMPLE_INPUT);
        throw new Error("enrolment failed later");
      }),
    ).toThrow("enrolment failed later");
    expect(issue().number).toBe(`K1-${String(first + 1).padStart(6, "0")}`);
    expect(gw.ctx.db.select().from(receipts).all()).toHaveLength(before + 2);
  });

  it("queues the slip when the paper is out, shows it in /healthz and reprints after a refill", async () => {
    const vp = part.virtualPrinter!;
    const queued = part.service.countFailed();
    vp.state = "paper_out";
    const issued = issue();
    const outcome = await gw.ctx.receipts.print(issued.number);
    expect(outcome).toMatchObject({ status: "failed" });
    expect((await gw.json("GET", `/api/v1/receipts/${issued.number}/status`)).body).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("paper_out"),
    });
    const health = await gw.json("GET", "/healthz");
    expect(health.body.parts.printer).toMatchObject({
      status: "down",
      state: "paper_out",
      paper: "out",
      queuedForReprint: queued + 1,
    });
    expect(health.body.parts.db.status).toBe("ok");
    expect(vp.slips).toHaveLength(0);

    vp.state = "ok";
    await until(() => vp.slips.length === 1);
    await until(() => gw.ctx.receipts.printStatus(issued.number).status === "printed");
    expect(vp.slips[0].text).not.toContain("DUPLIKAT");
    expect((await gw.json("GET", "/healthz")).body.parts.printer).toMatchObject({
      status: "ok",
      queuedForReprint: queued,
    });
  });

  it("shows a near-empty roll and an open cover in /healthz", async () => {
    const vp = part.virtualPrinter!;
    vp.state = "paper_near_end";
    await until(() => part.printer.state.state === "paper_near_end");
    expect((await gw.json("GET", "/healthz")).body.parts.printer).toMatchObject({
      status: "degraded",
      paper: "near_end",
    });
    vp.state = "cover_open";
    await until(() => part.printer.state.state === "cover_open");
    expect((await gw.json("GET", "/healthz")).body.parts.printer).toMatchObject({ status: "down", coverOpen: true });
  });

  it("does not reprint automatically after the reprint window", async () => {
    const vp = part.virtualPrinter!;
    vp.state = "paper_out";
    const issued = issue();
    await gw.ctx.receipts.print(issued.number);
    gw.clock.advance(11 * 60_000);
    vp.state = "ok";
    await until(() => part.printer.state.state === "ready");
    await part.worker.tick();
    expect(vp.slips).toHaveLength(0);
    expect(gw.ctx.receipts.printStatus(issued.number).status).toBe("failed");
    // Still there for the reprint route; marked printed once a copy comes out.
    await gw.json("POST", `/api/v1/receipts/${issued.number}/reprint`, { session: await sessionFor() });
    expect(gw.ctx.receipts.printStatus(issued.number).status).toBe("printed");
  });

  it("reprints the same data marked DUPLIKAT", async () => {
    const issued = issue();
    const vp = part.virtualPrinter!;
    await gw.ctx.receipts.print(issued.number);
    const next = vp.nextSlip();
    const res = await gw.json("POST", `/api/v1/receipts/${issued.number}/reprint`, { session: await sessionFor() });
    expect(res.body).toEqual({ status: "printed" });
    const copy = await next;
    expect(copy.text).toContain("DUPLIKAT");
    expect(copy.text.replace(/ *DUPLIKAT *\n/g, "")).toBe(vp.slips[0].text);
    expect(qrFromPng(copy.png)).toBe(issued.qr);
  });

  it("answers 404 for an unknown slip and a PRINTER_ERROR for a reprint with the cover open", async () => {
    expect((await gw.json("GET", "/api/v1/receipts/K1-000099/status")).status).toBe(404);
    const session = await sessionFor();
    expect((await gw.json("POST", "/api/v1/receipts/K1-000099/reprint", { session })).status).toBe(404);
    expect((await gw.json("POST", "/api/v1/receipts/K1-000099/reprint", {})).status).toBe(400);
    const issued = issue();
    part.virtualPrinter!.state = "cover_open";
    const res = await gw.json("POST", `/api/v1/receipts/${issued.number}/reprint`, { session: await sessionFor() });
    expect(res.status).toBe(500);
    expect(res.body.error).toMatchObject({ code: "PRINTER_ERROR", details: { state: "cover_open" } });
  });

  it("refuses a reprint without a kiosk session or for another flat's slip", async () => {
    const issued = issue();
    const stranger = await gw.json("POST", `/api/v1/receipts/${issued.number}/reprint`, { session: "x".repeat(32) });
    expect(stranger.status).toBe(401);
    const neighbour = await gw.json("POST", `/api/v1/receipts/${issued.number}/reprint`, {
      session: await sessionFor("KEL10-A-1"),
    });
    expect(neighbour.status).toBe(403);
    expect(neighbour.body.error.code).toBe("NOT_ELIGIBLE");
  });

  it("publishes the public key as a JWK set, and the CLI verifies offline with it", async () => {
    const { qr } = issue();
    const res = await gw.json("GET", "/.well-known/kiosk-keys.json");
    expect(res.body.keys).toEqual([expect.objectContaining({ kty: "OKP", crv: "Ed25519", kid: part.key.kid })]);
    const jwks = join(gw.dataDir, "jwks.json");
    const qrFile = join(gw.dataDir, "qr.txt");
    writeFileSync(jwks, JSON.stringify(res.body));
    writeFileSync(qrFile, `${qr}\n`);
    const out = execFileSync(process.execPath, ["gateway/cli/receiptVerify.ts", qrFile, "--jwks", jwks], { cwd: ROOT });
    expect(JSON.parse(out.toString())).toMatchObject({
      valid: true,
      receipt: { number: JSON.parse((parseQrText(qr) as ParsedQr).signed.toString()).n },
    });
    let failed: { status: number; stdout: Buffer } | undefined;
    try {
      execFileSync(process.execPath, ["gateway/cli/receiptVerify.ts", qr.slice(0, -3), "--jwks", jwks], { cwd: ROOT });
    } catch (err) {
      failed = err as { status: number; stdout: Buffer };
    }
    expect(failed?.status).toBe(1);
    expect(JSON.parse(failed!.stdout.toString())).toMatchObject({ valid: false, reason: "truncated" });
  });
});

describe("the demo's virtual printer page", () => {
  it("shows what was printed and switches the printer's state", async () => {
    const issued = issue();
    await gw.ctx.receipts.print(issued.number);
    const listing = await gw.json("GET", "/dev/printer.json");
    expect(listing.body.state).toBe("ok");
    expect(listing.body.slips.at(-1).text).toContain(`Nr: ${issued.number}`);
    const png = await gw.app.request("/dev/printer/latest.png");
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(qrFromPng(Buffer.from(await png.arrayBuffer()))).toBe(issued.qr);
    expect((await gw.json("POST", "/dev/printer/state", { state: "cover_open" })).body).toEqual({
      state: "cover_open",
    });
    await until(() => part.printer.state.state === "cover_open");
    expect((await gw.json("POST", "/dev/printer/state", { state: "jammed" })).status).toBe(400);
    expect((await gw.json("GET", "/dev/printer")).body).toContain("Drukarka wirtualna");
  });
});

describe("a slip on a device-file printer (printer.uri = a path)", () => {
  it("prints the bytes to the file and reports the printer as write-only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ekor-lp-"));
    const file = join(dir, "lp0");
    const lp = await startTestGateway({ printer: { uri: `file:${file}`, widthMm: 80, pollSeconds: 60 } });
    try {
      const issued = lp.ctx.db.transaction((tx) => lp.ctx.receipts.issue(tx, SAMPLE_INPUT));
      expect(await lp.ctx.receipts.print(issued.number)).toEqual({ status: "printed" });
      expect(readFileSync(file).includes(Buffer.from(issued.qr))).toBe(true);
      expect((await lp.json("GET", "/healthz")).body.parts.printer).toMatchObject({
        status: "ok",
        readsStatus: false,
        transport: file,
      });
    } finally {
      await lp.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a printer that never answers DLE EOT (printer.status auto)", () => {
  it("prints the slip and shows the printer as degraded and write-only in health", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ekor-mute-"));
    const vp = new VirtualPrinter({ outDir, widthMm: 80, png: false });
    await vp.start();
    vp.mute = true;
    const g = await startTestGateway({ printer: { uri: vp.uri, widthMm: 80, pollSeconds: 60 } });
    try {
      const issued = g.ctx.db.transaction((tx) => g.ctx.receipts.issue(tx, SAMPLE_INPUT));
      expect(await g.ctx.receipts.print(issued.number)).toEqual({ status: "printed" });
      await until(() => vp.slips.length === 1);
      expect((await g.json("GET", "/healthz")).body.parts.printer).toMatchObject({
        status: "degraded",
        readsStatus: false,
        statusMode: "auto",
        writeOnly: "no answer to DLE EOT",
      });
    } finally {
      await g.dispose();
      await vp.stop();
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe("shutting down while a slip prints", () => {
  it("lets the print finish and record its outcome before the database closes", async () => {
    const g = await startTestGateway({ printer: { uri: "virtual", pollSeconds: 60 } });
    const issued = g.ctx.db.transaction((tx) => g.ctx.receipts.issue(tx, SAMPLE_INPUT));
    const printing = g.ctx.receipts.print(issued.number);
    await g.dispose();
    expect(await printing).toEqual({ status: "printed" });
  });
});
