/**
 * `npm run register -- import-paper <file.csv> [--dry-run] [--skip-invalid] [--entered-by NAME]`:
 * reads the paper register CSV (columns in docs/paper-register.md), prints a row-by-row report
 * on stdout and progress on stderr, and writes the forms unless it is a dry run.
 */
import { readFileSync } from "node:fs";
import type { CoreDeps } from "../deps.ts";
import { csvRecords, parseCsv } from "../office/csv.ts";
import { importPaperRegister, missingColumns, type PaperImportReport } from "../services/importPaperRegister.ts";
import type { ConsentRegister } from "../services/register.ts";

export const IMPORT_PAPER_HELP = `usage: npm run register -- import-paper <file.csv> [--dry-run] [--skip-invalid] [--entered-by NAME]

Brings the paper register (forms received since 2021) into the consent register.
Columns (header row, "," or ";"): flat, owner, email, mobile, channels, received_on,
form_reference, entered_by. See docs/paper-register.md.

  --dry-run        check every row and print the report; write nothing
  --skip-invalid   import the valid rows even when some rows have errors
  --entered-by     staff member recorded when a row's entered_by is empty

Exit status: 0 when every row is imported or already in the register, 1 when a row has
errors (nothing is written unless --skip-invalid), 2 for a usage error or unreadable file.`;

export interface ImportPaperOptions {
  file: string | undefined;
  dryRun: boolean;
  skipInvalid: boolean;
  enteredBy?: string;
}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export function runImportPaper(
  deps: CoreDeps & { register: ConsentRegister },
  options: ImportPaperOptions,
  io: Io = { out: (l) => console.log(l), err: (l) => process.stderr.write(`${l}\n`) },
): number {
  if (!options.file) {
    io.err(IMPORT_PAPER_HELP);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(options.file, "utf8");
  } catch (err) {
    io.err(`import-paper: cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return 2;
  }
  const header = parseCsv(text.split(/\r?\n/, 1)[0] ?? "")[0] ?? [];
  const missing = missingColumns(header);
  if (missing.length > 0) {
    io.err(`import-paper: the header row lacks column(s): ${missing.join(", ")} (see docs/paper-register.md)`);
    return 2;
  }
  const records = csvRecords(text);
  const shown = { phase: "", tenth: -1 };
  const report = importPaperRegister(deps, {
    records,
    dryRun: options.dryRun,
    skipInvalid: options.skipInvalid,
    enteredBy: options.enteredBy,
    onProgress(phase, done, total) {
      // A line each time another tenth is done, so a long import shows it is moving, also in a log.
      const tenth = Math.floor((done * 10) / Math.max(1, total));
      if (phase === shown.phase && tenth <= shown.tenth) return;
      if (phase !== shown.phase && tenth === 0) return;
      shown.phase = phase;
      shown.tenth = tenth;
      io.err(`import-paper: ${phase} ${done}/${total} rows (${Math.round((done / Math.max(1, total)) * 100)}%)`);
    },
  });
  printReport(report, options.dryRun, io);
  return report.counts.errors > 0 ? 1 : 0;
}

function printReport(report: PaperImportReport, dryRun: boolean, io: Io): void {
  for (const row of report.rows) {
    if (row.status === "ok" && row.messages.length === 0) continue;
    const ref = row.reference ? ` (${row.reference})` : "";
    io.out(`line ${row.line}${ref}: ${row.status}${row.messages.length ? `: ${row.messages.join("; ")}` : ""}`);
  }
  for (const c of report.coOwners)
    io.out(
      `flat ${c.flat}: forms from ${c.owners.length} co-owners; the latest (line ${c.winner.line}, ${c.winner.reference}) makes owner ${c.winner.owner} the designated recipient`,
    );
  const { rows, toImport, errors, duplicates, alreadyImported } = report.counts;
  io.out(
    `${rows} rows: ${toImport} to import, ${alreadyImported} already in the register, ${duplicates} duplicates, ${errors} with errors`,
  );
  if (dryRun) io.out("dry run: nothing was written");
  else if (report.applied) io.out(`imported ${report.imported} forms as paper_import register events`);
  else io.out("nothing was written: fix the rows with errors, or pass --skip-invalid to import the valid rows");
}
