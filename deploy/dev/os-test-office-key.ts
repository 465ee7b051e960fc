/**
 * deploy/dev/os-test.sh: adds an office API key to the installed gateway's database and prints
 * `<key id> <secret>` (the production install has no key; the office CLI needs one).
 */
import { openDb } from "../../db/client.ts";
import { systemClock } from "../../gateway/clock.ts";
import { loadConfig } from "../../gateway/config.ts";
import { addOfficeKey } from "../../gateway/services/addOfficeKey.ts";

const config = loadConfig();
const database = openDb(`${config.dataDir}/gateway.sqlite`);
try {
  const { keyId, secret } = addOfficeKey({ db: database.db, clock: systemClock }, { clientId: "os-test-office" });
  console.log(`${keyId} ${secret}`);
} finally {
  database.close();
}
