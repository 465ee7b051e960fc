/**
 * Demo mode only: move the gateway's clock forward to see what time does (the 14-day grace
 * period, messages expiring to paper, one-time codes expiring). Never mounted in production.
 *   GET  /dev/clock        page with buttons (script: /dev/clock.js)
 *   GET  /dev/clock.json   { now, offsetSeconds }
 *   POST /dev/clock        { "days"?: n, "hours"?: n, "minutes"?: n }  (forward only)
 */
import { Hono } from "hono";
import * as z from "zod";
import type { DemoClock } from "../clock.ts";
import type { GatewayContext } from "../context.ts";
import { validate } from "./validate.ts";

const step = z.number().int().min(0).max(3650);
const advanceBody = z
  .object({ days: step.optional(), hours: step.optional(), minutes: step.optional() })
  .strict()
  .refine((b) => (b.days ?? 0) + (b.hours ?? 0) + (b.minutes ?? 0) > 0, "give days, hours or minutes above 0");

const BUTTONS: Array<[string, string]> = [
  ["+5 min", '{"minutes":5}'],
  ["+1 godz.", '{"hours":1}'],
  ["+1 dzień", '{"days":1}'],
  ["+15 dni", '{"days":15}'],
  ["+30 dni", '{"days":30}'],
];

const BUTTONS_SCRIPT = `for (const b of document.querySelectorAll("button[data-body]")) {
  b.onclick = async () => {
    const r = await fetch("/dev/clock", { method: "POST", headers: { "content-type": "application/json" }, body: b.dataset.body });
    const s = await r.json();
    document.getElementById("now").textContent = s.now;
    document.getElementById("offset").textContent = s.offsetSeconds;
  };
}
`;

export function devClockRoutes(ctx: GatewayContext, clock: DemoClock) {
  const state = () => ({ now: ctx.clock.now().toISOString(), offsetSeconds: clock.offsetSeconds });
  return (
    new Hono()
      .get("/dev/clock.json", (c) => c.json(state()))
      .post("/dev/clock", validate("json", advanceBody), (c) => {
        const { days = 0, hours = 0, minutes = 0 } = c.req.valid("json");
        clock.advance(((days * 24 + hours) * 60 + minutes) * 60_000);
        ctx.outbox.poke();
        ctx.logger.info(state(), "demo clock moved forward");
        return c.json(state());
      })
      .get("/dev/clock", (c) => {
        const s = state();
        return c.html(`<!doctype html><html lang="pl"><meta charset="utf-8"><title>Zegar demo</title>
<body style="font-family:sans-serif;max-width:40rem;margin:2rem auto">
<h1>Zegar bramki (tryb demo)</h1>
<p>Teraz według bramki: <b id="now">${s.now}</b> (przesunięcie: <span id="offset">${s.offsetSeconds}</span> s)</p>
<p>Przesuń czas do przodu, aby zobaczyć koniec 14-dniowego okresu papierowego, wygasanie wiadomości do papieru i kodów.</p>
<p>${BUTTONS.map(([label, body]) => `<button style="min-width:44px;min-height:44px;margin:.2rem" data-body='${body}'>${label}</button>`).join("")}</p>
<p><a href="/dev/sms">SMS</a> · <a href="/dev/mail">poczta</a> · <a href="/dev/printer">drukarka</a></p>
<script src="/dev/clock.js"></script>
</body></html>`);
      })
      // A file, not an inline script: the pages' CSP allows only the gateway's own scripts.
      .get("/dev/clock.js", (c) => c.body(BUTTONS_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" }))
  );
}
