/**
 * Offline check of a confirmation slip's QR code:
 *   npm run receipt:verify -- "EK1.…"              (keys from this kiosk's database)
 *   npm run receipt:verify -- qr.txt --jwks kiosk-keys.json
 * `--jwks` takes the JWK set published at /.well-known/kiosk-keys.json, so the office can check
 * slips without the kiosk. Exit code 0 = valid, 1 = not valid, 2 = usage error.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openDb } from "../../db/client.ts";
import { loadConfig } from "../config.ts";
import { kioskKeySet } from "../receipts/kioskKey.ts";
import { keyLookup, verifyReceiptQr } from "../receipts/verifyReceipt.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { jwks: { type: "string" } },
});

if (positionals.length !== 1) {
  console.error("usage: npm run receipt:verify -- <QR text | file with the QR text> [--jwks kiosk-keys.json]");
  process.exit(2);
}

const arg = positionals[0];
const qr = (!arg.startsWith("EK1.") && existsSync(arg) ? readFileSync(arg, "utf8") : arg).trim();

let jwks: { keys: Array<{ kid?: string; x?: string; crv?: string }> };
if (values.jwks) {
  jwks = JSON.parse(readFileSync(values.jwks, "utf8"));
} else {
  const database = openDb(`${loadConfig().dataDir}/gateway.sqlite`);
  jwks = kioskKeySet(database.db);
  database.close();
}

const verdict = verifyReceiptQr(qr, keyLookup(jwks));
console.log(JSON.stringify(verdict, null, 2));
process.exitCode = verdict.valid ? 0 : 1;
