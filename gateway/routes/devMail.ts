/**
 * Demo mode only: what the in-process SMTP sink received. `/dev/mail` is a readable page,
 * `/dev/mail.json` is `[{ messageId, to, subject, text, date }]`, oldest first (the kiosk's
 * end-to-end tests read one-time codes from it). `?to=<address>` filters by recipient.
 */
import { Hono } from "hono";
import type { MailSink, StoredMail } from "../messaging/sink.ts";

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function selected(sink: MailSink, to: string | undefined): StoredMail[] {
  const all = sink.list();
  if (!to) return all;
  const wanted = to.trim().toLowerCase();
  return all.filter((m) => m.to.toLowerCase().split(/,\s*/).includes(wanted));
}

function page(mails: StoredMail[], sinkPort: number): string {
  const items = [...mails]
    .reverse()
    .map(
      (m) => `<article>
<h2>${escapeHtml(m.subject || "(bez tematu)")}</h2>
<p class="meta">Do: <b>${escapeHtml(m.to)}</b> · ${escapeHtml(m.date)} · ${escapeHtml(m.messageId)}${m.duplicate ? " · <b>powtórzenie</b>" : ""}</p>
<pre>${escapeHtml(m.text)}</pre>
${m.attachments.length ? `<p class="meta">Załączniki: ${m.attachments.map((a) => escapeHtml(`${a.filename} (${a.contentType}, ${a.size} B)`)).join(", ")}</p>` : ""}
</article>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Poczta testowa (${mails.length})</title>
<style>
body{font-family:system-ui,sans-serif;max-width:50em;margin:0 auto;padding:1em;line-height:1.4}
article{border:1px solid #ccc;border-radius:6px;padding:0 1em;margin:1em 0}
pre{white-space:pre-wrap;font-family:inherit;background:#f6f6f6;padding:.5em}
.meta{color:#555;font-size:.9em}
</style></head><body>
<h1>Poczta testowa – ${mails.length} wiad.</h1><p><a href="/dev/clock">Zegar demo: przesuń czas do przodu</a></p>
<p class="meta">Serwer SMTP w trybie demo: 127.0.0.1:${sinkPort}. Najnowsze na górze. JSON: <a href="/dev/mail.json">/dev/mail.json</a>.</p>
${items || "<p>Nic jeszcze nie przyszło.</p>"}
</body></html>`;
}

export function devMailRoutes(sink: MailSink) {
  return new Hono()
    .get("/dev/mail.json", (c) =>
      c.json(
        selected(sink, c.req.query("to")).map(({ messageId, to, subject, text, date }) => ({
          messageId,
          to,
          subject,
          text,
          date,
        })),
      ),
    )
    .get("/dev/mail", (c) => c.html(page(selected(sink, c.req.query("to")), sink.port)));
}
