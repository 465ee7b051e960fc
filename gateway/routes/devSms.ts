/**
 * Demo mode only, with the SMS simulator: what was "sent". `/dev/sms` is a readable page,
 * `/dev/sms.json` is `[{ id, to, text, at }]`, oldest first (the kiosk's end-to-end tests read
 * one-time codes from it; `?to=<number>` filters). `POST /dev/sms/incoming {from, text}`
 * simulates a resident's reply (e.g. "STOP").
 */
import { Hono } from "hono";
import * as z from "zod";
import type { SmsSimulator } from "../../drivers/modem/simulator.ts";
import type { GatewayContext } from "../context.ts";
import { checkMobile } from "../domain/contacts.ts";
import { escapeHtml, messageListPage } from "./devPage.ts";
import { validate } from "./validate.ts";

const STATE_PL: Record<string, string> = {
  sent: "wysłany",
  delivered: "doręczony",
  failed: "niedoręczony",
  pending: "oczekuje (telefon wyłączony?)",
  queued: "w kolejce",
  unknown: "nieznany",
};

function normalisedTo(to: string | undefined): string | undefined {
  if (!to) return undefined;
  const mobile = checkMobile(to);
  return mobile.valid ? mobile.e164 : to.trim();
}

const incomingBody = z.object({ from: z.string().trim().min(3).max(40), text: z.string().min(1).max(1000) });

/** Mounted only with the simulator (`sms.driver: simulator`). */
export function devSmsRoutes(ctx: GatewayContext, simulator: SmsSimulator) {
  return new Hono()
    .get("/dev/sms.json", (c) => {
      const to = normalisedTo(c.req.query("to"));
      const list = simulator.sent().filter((m) => !to || m.to === to);
      return c.json(list.map(({ id, to, text, at }) => ({ id, to, text, at })));
    })
    .get("/dev/sms", (c) => {
      const list = simulator.sent().reverse();
      const items = list.map(
        (m) => `<article>
<p class="meta">Do: <b>${escapeHtml(m.to)}</b> · ${escapeHtml(m.at)} · ${escapeHtml(STATE_PL[m.status.state] ?? m.status.state)} · ${m.unicode ? "UCS-2" : "GSM-7"}</p>
<pre>${escapeHtml(m.text)}</pre>
</article>`,
      );
      return c.html(
        messageListPage({
          heading: "SMS testowe",
          count: list.length,
          intro: `<p class="meta">Symulator modemu GSM (tryb demo). Najnowsze na górze. JSON: <a href="/dev/sms.json">/dev/sms.json</a>.
Numery kończące się na 000 nie odbierają (raport: niedoręczony), na 999 – raport nie przychodzi.
Odpowiedź mieszkańca: <code>POST /dev/sms/incoming {"from":"+48…","text":"STOP"}</code>.</p>`,
          items,
          empty: "Nic jeszcze nie wysłano.",
        }),
      );
    })
    .post("/dev/sms/incoming", validate("json", incomingBody), async (c) => {
      const { from, text } = c.req.valid("json");
      const sms = simulator.receive(normalisedTo(from) ?? from, text);
      await ctx.sms.tracker.tick();
      return c.json({ accepted: true, key: sms.key }, 202);
    });
}
