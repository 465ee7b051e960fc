/**
 * Demo mode only: what the in-process SMTP sink received. `/dev/mail` is a readable page,
 * `/dev/mail.json` is `[{ messageId, to, subject, text, date }]`, oldest first (the kiosk's
 * end-to-end tests read one-time codes from it). `?to=<address>` filters by recipient.
 */
import { Hono } from "hono";
import type { MailSink, StoredMail } from "../messaging/sink.ts";
import { escapeHtml, messageListPage } from "./devPage.ts";

function selected(sink: MailSink, to: string | undefined): StoredMail[] {
  const all = sink.list();
  if (!to) return all;
  const wanted = to.trim().toLowerCase();
  return all.filter((m) => m.to.toLowerCase().split(/,\s*/).includes(wanted));
}

function page(mails: StoredMail[], sinkPort: number): string {
  const items = [...mails].reverse().map(
    (m) => `<article>
<h2>${escapeHtml(m.subject || "(bez tematu)")}</h2>
<p class="meta">Do: <b>${escapeHtml(m.to)}</b> · ${escapeHtml(m.date)} · ${escapeHtml(m.messageId)}${m.duplicate ? " · <b>powtórzenie</b>" : ""}</p>
<pre>${escapeHtml(m.text)}</pre>
${m.attachments.length ? `<p class="meta">Załączniki: ${m.attachments.map((a) => escapeHtml(`${a.filename} (${a.contentType}, ${a.size} B)`)).join(", ")}</p>` : ""}
</article>`,
  );
  return messageListPage({
    heading: "Poczta testowa",
    count: mails.length,
    intro: `<p class="meta">Serwer SMTP w trybie demo: 127.0.0.1:${sinkPort}. Najnowsze na górze. JSON: <a href="/dev/mail.json">/dev/mail.json</a>.</p>`,
    items,
    empty: "Nic jeszcze nie przyszło.",
  });
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
