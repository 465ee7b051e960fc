/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; a separator of "," or ";". */
export function parseCsv(text: string, separator?: string): string[][] {
  const body = text.replace(/^\uFEFF/, "");
  const sep =
    separator ??
    (body.split(/\r?\n/, 1)[0].split(";").length > body.split(/\r?\n/, 1)[0].split(",").length ? ";" : ",");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      row.push(field);
      if (row.some((f) => f !== "")) rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== "")) rows.push(row);
  return rows;
}

/** Rows as objects keyed by the (lower-cased, trimmed) header row. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const keys = header.map((h) => h.trim().toLowerCase());
  return rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, (r[i] ?? "").trim()])));
}

/** RFC 4180 CSV with a header row of `columns` (UTF-8, CRLF line ends), one line per item. */
export function csvTable<T>(columns: ReadonlyArray<keyof T & string>, items: readonly T[]): string {
  const lines = [columns.join(","), ...items.map((item) => columns.map((c) => csvCell(item[c])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell for a file staff open in a spreadsheet: a cell that could start a formula gets a
 * leading apostrophe (shown as text, not run), and any cell with a separator, quote or line
 * break is quoted.
 */
export function csvCell(value: unknown): string {
  const raw = Array.isArray(value) ? value.join("; ") : String(value ?? "");
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\n\r;\t]/.test(text) || text !== raw ? `"${text.replace(/"/g, '""')}"` : text;
}
