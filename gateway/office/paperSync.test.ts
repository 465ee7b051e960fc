import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { type OpenedDb, openDb } from "../../db/client.ts";
import { sourceOf } from "../domain/registerEvents.ts";
import { addOfficeKey } from "../services/addOfficeKey.ts";
import { importPaperRegister } from "../services/importPaperRegister.ts";
import { recordPaperForm } from "../services/recordPaperForm.ts";
import { startTestGateway } from "../testing/harness.ts";
import { enrolDirect, serve } from "../testing/office.ts";
import { PAPER_HEADER, seedOwners } from "../testing/paperRegister.ts";
import { OfficeClient } from "./client.ts";
import { pullEvents } from "./commands.ts";
import { csvRecords } from "./csv.ts";
import { copyEvents, verifyCopy } from "./officeCopy.ts";
import { createOfficeReceiver } from "./receiver.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting for the office");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function officeCopy(name: string): OpenedDb {
  const dir = mkdtempSync(join(tmpdir(), `ekor-${name}-`));
  const db = openDb(join(dir, "office.sqlite"));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

describe("paper events on the same chain, the same sync", () => {
  it("chains kiosk, imported and staff-entered events together and syncs them by pull and by push", async () => {
    const pushed = officeCopy("push");
    let officeNow = () => Date.now();
    const receiver = createOfficeReceiver({
      db: pushed.db,
      keys: { "gw-push": "p".repeat(40) },
      now: () => officeNow(),
    });
    const office = serve(new Hono().route("/office-inbox", receiver.app).fetch);
    cleanups.push(() => office.stop());
    const gw = await startTestGateway(
      {
        office: {
          url: `${office.url}/office-inbox`,
          keyId: "gw-push",
          secret: "p".repeat(40),
          pushBatchSize: 2,
          pushIntervalMs: 20,
        },
      },
      { demo: false, now: "2026-11-30T10:00:00Z" },
    );
    cleanups.push(() => gw.dispose());
    officeNow = () => gw.clock.now().getTime();
    seedOwners(gw.ctx, 4);

    enrolDirect(gw, "B1-1", "O1", { email: "jan@wp.pl" });
    const imported = importPaperRegister(gw.ctx, {
      records: csvRecords(
        [
          PAPER_HEADER,
          "B1-2,O2,anna@wp.pl,,email,2021-11-15,P/21,Kasia",
          "B1-3,O3,,600 300 300,sms,2021-10-01,P/22,Kasia",
        ].join("\n"),
      ),
      dryRun: false,
    });
    expect(imported.imported).toBe(2);
    recordPaperForm(gw.ctx, {
      flat: "B1-4",
      owner: "O4",
      email: "ewa@wp.pl",
      channels: ["email"],
      formDate: "2026-11-29",
      formReference: "F/2026/1",
      enteredBy: "Katarzyna z biura (kasia)",
    });
    const local = gw.ctx.register.eventsAfter(0, 100);
    expect(local.map(sourceOf)).toEqual(["kiosk", "paper_import", "paper_import", "paper_form"]);
    expect(gw.ctx.register.verify()).toMatchObject({ ok: true, events: 4 });

    // Pull: the office's reference client over HTTP with a signed key.
    const server = serve(gw.officeApp.fetch);
    cleanups.push(() => server.stop());
    const key = addOfficeKey(gw.ctx, { clientId: "office", keyId: "office-pull" });
    const client = new OfficeClient({ baseUrl: `${server.url}/office/v1`, key, now: () => gw.clock.now().getTime() });
    const pulled = officeCopy("pull");
    await pullEvents(client, pulled.db);
    expect(verifyCopy(pulled.db)).toMatchObject({ ok: true, headSeq: 4 });
    expect(copyEvents(pulled.db)).toEqual(local);

    // Push: the gateway's push worker to the office's receiver.
    await until(() => copyEvents(pushed.db).length === 4);
    expect(verifyCopy(pushed.db)).toMatchObject({ ok: true, headSeq: 4 });
    expect(copyEvents(pushed.db)).toEqual(local);
    expect(copyEvents(pushed.db).find((e) => e.flatCode === "B1-2")?.payload).toMatchObject({
      source: "paper_import",
      appliedAt: "2021-11-14T23:00:00.000Z",
      formReference: "P/21",
    });
  }, 60_000);
});
