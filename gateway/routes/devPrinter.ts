/**
 * Demo mode only, with the virtual printer: what it printed and a switch for its state, so a
 * demo (or the kiosk's end-to-end tests) can show the paper running out.
 *   GET  /dev/printer             readable page with the latest slip image
 *   GET  /dev/printer.json        { state, slips: [{ file, bytes, text, qr }] } (newest last)
 *   GET  /dev/printer/latest.png  the latest slip as drawn
 *   POST /dev/printer/state       { "state": "ok" | "paper_near_end" | "paper_out" | "cover_open" | "offline" }
 */
import { Hono } from "hono";
import * as z from "zod";
import type { VirtualPrinter } from "../../drivers/printer/virtual/virtualPrinter.ts";
import { KioskError } from "../errors.ts";
import { validate } from "./validate.ts";

const STATES = ["ok", "paper_near_end", "paper_out", "cover_open", "offline"] as const;

/** Mounted only with the virtual printer (`printer.uri: virtual`). */
export function devPrinterRoutes(printer: VirtualPrinter) {
  return new Hono()
    .get("/dev/printer.json", (c) => {
      const vp = printer;
      return c.json({
        state: vp.state,
        slips: vp.slips.map((s) => ({ file: s.file, bytes: s.bytes, text: s.text, qr: s.qr })),
      });
    })
    .get("/dev/printer/latest.png", (c) => {
      const last = printer.slips.at(-1);
      if (!last || last.png.length === 0) throw new KioskError("NOT_FOUND", "nothing printed yet");
      return c.body(new Uint8Array(last.png), 200, { "content-type": "image/png", "cache-control": "no-store" });
    })
    .get("/dev/printer", (c) => {
      const vp = printer;
      const last = vp.slips.at(-1);
      return c.html(`<!doctype html><html lang="pl"><meta charset="utf-8"><title>Drukarka wirtualna</title>
<body style="font-family:sans-serif;background:#eee">
<h1>Drukarka wirtualna</h1><p><a href="/dev/clock">Zegar demo: przesuń czas do przodu</a></p><p>Stan: <b>${vp.state}</b> · wydrukowano: ${vp.slips.length}</p>
${last ? `<img src="/dev/printer/latest.png" alt="ostatni wydruk" style="background:#fff;box-shadow:0 0 6px #999">` : "<p>Nic jeszcze nie wydrukowano.</p>"}
</body></html>`);
    })
    .post("/dev/printer/state", validate("json", z.object({ state: z.enum(STATES) })), (c) => {
      const vp = printer;
      vp.state = c.req.valid("json").state;
      return c.json({ state: vp.state });
    });
}
