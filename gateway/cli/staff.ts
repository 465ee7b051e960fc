/**
 * Staff console users:
 *   npm run staff -- add <username> [--name "Katarzyna Nowak"]     password from STAFF_PASSWORD or asked
 * Works on the gateway's database (`dataDir` from the configuration), also while it runs.
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { openDb } from "../../db/client.ts";
import { systemClock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import { addStaffUser } from "../services/addStaffUser.ts";

const { positionals, values } = parseArgs({ allowPositionals: true, options: { name: { type: "string" } } });
const [command, username] = positionals;
if (command !== "add" || !username) {
  console.error(
    'usage: npm run staff -- add <username> [--name "Display Name"]   (password: STAFF_PASSWORD or prompt)',
  );
  process.exit(2);
}
let password = process.env.STAFF_PASSWORD;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write(`Hasło dla ${username} (min. 10 znaków): `);
  password = (await rl.question("")).trim();
  rl.close();
}
const config = loadConfig();
const database = openDb(`${config.dataDir}/gateway.sqlite`);
try {
  const user = addStaffUser({ db: database.db, clock: systemClock }, { username, displayName: values.name, password });
  console.log(`staff user ${user.username} (id ${user.id}) ready; sign in at /office/`);
} catch (err) {
  console.error(`staff: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  database.close();
}
