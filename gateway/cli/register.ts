/**
 * Operator commands for the consent register:
 *   npm run register -- verify
 *   npm run register -- acknowledge --operator "Jan Serwisant" --note "restored row 42 from backup; see ticket 17"
 *   npm run register -- import-paper paper-register.csv --dry-run
 * `acknowledge` records a detected break so the gateway accepts new register writes again;
 * the tampered rows stay in place for investigation. Stop the gateway first (or restart it after).
 */
import { parseArgs } from "node:util";
import { openDb } from "../../db/client.ts";
import { systemClock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { ConsentRegister } from "../services/register.ts";
import { IMPORT_PAPER_HELP, runImportPaper } from "./importPaper.ts";

const USAGE = `usage: npm run register -- <command>
  verify                                   check the register's hash chain
  acknowledge --operator NAME --note TEXT  accept a detected break so writes resume
  import-paper <file.csv> [--dry-run]      bring in the paper register (--help for details)`;

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      operator: { type: "string" },
      note: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "skip-invalid": { type: "boolean", default: false },
      "entered-by": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
try {
  parsed = parse();
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { positionals, values } = parsed;
const command = positionals[0];

if (values.help || !command) {
  console.log(command === "import-paper" ? IMPORT_PAPER_HELP : USAGE);
  process.exit(values.help ? 0 : 2);
}

const config = loadConfig();
const logger = createLogger("warn");
const database = openDb(`${config.dataDir}/gateway.sqlite`);
const register = new ConsentRegister({ db: database.db, clock: systemClock, config, logger });

try {
  if (command === "verify") {
    const status = register.verify();
    console.log(JSON.stringify(status, null, 2));
    process.exitCode = status.ok ? 0 : 1;
  } else if (command === "acknowledge") {
    if (!values.operator || !values.note) {
      console.error('usage: npm run register -- acknowledge --operator "<name>" --note "<what was found and done>"');
      process.exitCode = 2;
    } else {
      const result = register.acknowledgeBreak(values.operator, values.note);
      console.log(`acknowledged break at seq ${result.firstBadSeq}; writes resume after seq ${result.headSeq}`);
    }
  } else if (command === "import-paper") {
    const status = register.verify();
    if (!status.ok) {
      console.error(
        `import-paper: the register chain is broken at seq ${status.firstBadSeq}; see npm run register -- verify`,
      );
      process.exitCode = 1;
    } else {
      process.exitCode = runImportPaper(
        { db: database.db, clock: systemClock, config, logger, register },
        {
          file: positionals[1],
          dryRun: values["dry-run"],
          skipInvalid: values["skip-invalid"],
          enteredBy: values["entered-by"],
        },
      );
    }
  } else {
    console.error(`unknown command "${command}"\n${USAGE}`);
    process.exitCode = 2;
  }
} finally {
  database.close();
}
