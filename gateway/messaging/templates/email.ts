/**
 * The email form of an outbox message: the producer's Polish text, a footer naming the
 * cooperative, and a minimal HTML part that reads well on a phone (no images, no tables).
 */
import type { Config } from "../../config.ts";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const DEFAULT_SUBJECT: Record<string, string> = {
  otp: "Kod weryfikacyjny",
  notice: "Informacja ze Spółdzielni",
  reminder: "Przypomnienie o płatności",
  correspondence: "Korespondencja ze Spółdzielni",
  heads_up: "Ważne: sprawdź swoje dane kontaktowe",
};

export function footerLines(cooperative: Config["cooperative"]): string[] {
  return [
    "--",
    cooperative.name,
    `${cooperative.address} · tel. ${cooperative.officePhone} · ${cooperative.officeEmail}`,
    `Wiadomość wysłana automatycznie przez system e-Korespondencji (${cooperative.website}).`,
  ];
}

function paragraphsHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

export function renderEmail(
  message: { kind: string; subject?: string; text: string; html?: string },
  cooperative: Config["cooperative"],
): RenderedEmail {
  const subject = message.subject ?? `${DEFAULT_SUBJECT[message.kind] ?? "Wiadomość"} – ${cooperative.shortName}`;
  const footer = footerLines(cooperative);
  const text = `${message.text.trimEnd()}\n\n${footer.join("\n")}\n`;
  const body = message.html ?? paragraphsHtml(message.text.trimEnd());
  const html = [
    "<!doctype html>",
    '<html lang="pl"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#111;background:#fff">',
    '<div style="max-width:36em;margin:0 auto">',
    body,
    `<p style="margin-top:2em;font-size:14px;color:#444">${footer.slice(1).map(escapeHtml).join("<br>")}</p>`,
    "</div></body></html>",
  ].join("\n");
  return { subject, text, html };
}
