/** Demo mode only: the page shell of the demo's message lists (`/dev/mail`, `/dev/sms`), in Polish. */

export const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * A list page: `heading` with the count, a link to the demo clock, `intro` (trusted HTML), then
 * the `items` (each an escaped `<article>`, newest first) or `empty` when there are none.
 */
export function messageListPage({
  heading,
  count,
  intro,
  items,
  empty,
}: {
  heading: string;
  count: number;
  intro: string;
  items: string[];
  empty: string;
}): string {
  return `<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)} (${count})</title>
<style>
body{font-family:system-ui,sans-serif;max-width:50em;margin:0 auto;padding:1em;line-height:1.4}
article{border:1px solid #ccc;border-radius:6px;padding:0 1em;margin:1em 0}
pre{white-space:pre-wrap;font-family:inherit;background:#f6f6f6;padding:.5em}
.meta{color:#555;font-size:.9em}
</style></head><body>
<h1>${escapeHtml(heading)} – ${count} wiad.</h1><p><a href="/dev/clock">Zegar demo: przesuń czas do przodu</a></p>
${intro}
${items.length ? items.join("\n") : `<p>${escapeHtml(empty)}</p>`}
</body></html>`;
}
