/**
 * `npm run bounce -- classify <file…>`: what the bounce reader would make of each message.
 * One JSON line per file: {file, kind, recipients, status, messageId}. The reader and this
 * command share one classifier (gateway/messaging/bounce/classify.ts). Nothing is changed.
 * Exit code 0 = every file read, 1 = a file could not be read, 2 = usage error.
 */
import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { classifyBounce } from "../messaging/bounce/classify.ts";

const USAGE = `usage: npm run bounce -- classify <file.eml> [file.eml …]

Prints one JSON line per file:
  {"file", "kind", "recipients", "status", "messageId"}
kind: permanent | temporary | mailbox_full | not_a_bounce
      (also: delivered for a positive report, unclassified for a bounce that cannot be read)
Options:
  --verbose   add the diagnostic, whether the address is blamed, and the format recognised
  --help      this text`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { help: { type: "boolean", short: "h" }, verbose: { type: "boolean", short: "v" } },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, ...files] = positionals;
if (command !== "classify" || files.length === 0) {
  console.error(command && command !== "classify" ? `unknown command "${command}"\n\n${USAGE}` : USAGE);
  process.exit(2);
}

let unreadable = 0;
for (const file of files) {
  let raw: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new Error("is a directory");
    raw = readFileSync(file);
  } catch (err) {
    console.error(`bounce: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    unreadable++;
    continue;
  }
  const r = await classifyBounce(raw);
  const line = { file, kind: r.kind, recipients: r.recipients, status: r.status, messageId: r.messageId };
  console.log(
    JSON.stringify(
      values.verbose ? { ...line, diagnostic: r.diagnostic, blamesAddress: r.blamesAddress, format: r.format } : line,
    ),
  );
}
process.exitCode = unreadable > 0 ? 1 : 0;
