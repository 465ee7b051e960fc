/**
 * Operator commands for the consent register:
 *   npm run register -- verify
 *   npm run register -- acknowledge --operator "Jan Serwisant" --note "restored row 42 from backup; see ticket 17"
 * `acknowledge` records a detected break so the gateway accepts new register writes again;
 * the tampered rows stay in place for investigation. Stop the gateway first (or restart it after).
 */
import { parseArgs } from "node:util";
import { openDb } from "../../db/client.ts";
import { systemClock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { ConsentRegister } from "../services/register.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { operator: { type: "string" }, note: { type: "string" } },
});
const command = positionals[0];
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
  } else {
    console.error("usage: npm run register -- verify | acknowledge --operator NAME --note TEXT");
    process.exitCode = 2;
  }
} finally {
  database.close();
}
