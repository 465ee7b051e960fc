/**
 * The reference office client: `npm run office -- <command> [options]`.
 *
 *   owners push <owners.csv|owners.json>      send the owners register
 *   send <folder>                              send the letters in a folder (*.json + PDFs)
 *   events pull [--db office.sqlite]           pull register events into a local copy, verify the chain
 *   events verify [--db office.sqlite]         verify the local copy's chain
 *   deliveries pull [--db office.sqlite]       pull delivery status changes into the local copy
 *   paper [--date YYYY-MM-DD] [--csv]          print what must go by post
 *   register [--as-of DATE] [--flat CODE]      the consent state per flat
 *   reject --flat CODE --seq N --reason TEXT   reject an enrolment during its grace period
 *   health                                     the gateway's health summary
 *
 * Connection: --url (OFFICE_API_URL, default http://127.0.0.1:8081/office/v1), --key
 * (OFFICE_KEY_ID, default demo-office), --secret (OFFICE_SECRET or OFFICE_DEMO_SECRET).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDb } from "../../db/client.ts";
import { OfficeClient } from "./client.ts";
import {
  formatPaperList,
  itemsFromFolder,
  ownersFromCsv,
  paperCsv,
  paperList,
  pullDeliveries,
  pullEvents,
  pushOwners,
  sendCorrespondence,
} from "./commands.ts";
import { verifyCopy } from "./officeCopy.ts";
import { progressBar } from "./progress.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: process.env.OFFICE_API_URL ?? "http://127.0.0.1:8081/office/v1" },
    key: { type: "string", default: process.env.OFFICE_KEY_ID ?? "demo-office" },
    secret: { type: "string", default: process.env.OFFICE_SECRET ?? process.env.OFFICE_DEMO_SECRET },
    db: { type: "string", default: "office-copy.sqlite" },
    date: { type: "string" },
    csv: { type: "boolean", default: false },
    "as-of": { type: "string" },
    flat: { type: "string" },
    seq: { type: "string" },
    reason: { type: "string" },
    batch: { type: "string", default: "500" },
    help: { type: "boolean", short: "h", default: false },
  },
});

const USAGE = readFileSync(new URL(import.meta.url), "utf8")
  .split("*/")[0]
  .replace(/^\/\*\*\n/, "")
  .replace(/^ \* ?/gm, "");

async function main(): Promise<number> {
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const needsServer = !(command === "events" && sub === "verify");
  if (needsServer && !values.secret) {
    console.error(
      "office: give the key's secret with --secret or OFFICE_SECRET (demo: the secret printed by npm start)",
    );
    return 2;
  }
  const client = new OfficeClient({ baseUrl: values.url!, key: { keyId: values.key!, secret: values.secret ?? "" } });
  const out = (value: unknown) => console.log(typeof value === "string" ? value : JSON.stringify(value, null, 2));

  if (command === "owners" && sub === "push" && arg) {
    const text = readFileSync(arg, "utf8");
    const register = arg.toLowerCase().endsWith(".json") ? JSON.parse(text) : ownersFromCsv(text);
    const result = await pushOwners(client, register);
    out(result);
    return result.rejected.length > 0 ? 1 : 0;
  }
  if (command === "send" && sub) {
    const items = itemsFromFolder(sub);
    const summary = await sendCorrespondence(client, items, {
      batchSize: Number(values.batch),
      progress: progressBar("korespondencja"),
    });
    writeFileSync(join(sub, "answers.json"), `${JSON.stringify(summary.answers, null, 2)}\n`);
    out({
      items: summary.answers.length,
      byChannel: summary.byChannel,
      rejected: summary.rejected,
      repeated: summary.repeated,
    });
    return summary.rejected > 0 ? 1 : 0;
  }
  if (command === "events" && (sub === "pull" || sub === "verify")) {
    const copy = openDb(values.db!);
    try {
      if (sub === "verify") {
        const chain = verifyCopy(copy.db);
        out(chain);
        return chain.ok ? 0 : 1;
      }
      const result = await pullEvents(client, copy.db, { progress: progressBar("rejestr") });
      out({ pulled: result.pulled, chain: result.chain });
      return result.chain.ok ? 0 : 1;
    } finally {
      copy.close();
    }
  }
  if (command === "deliveries" && sub === "pull") {
    const copy = openDb(values.db!);
    try {
      const changes = await pullDeliveries(client, copy.db, { progress: progressBar("doręczenia") });
      for (const c of changes) {
        console.log(
          `${String(c.seq).padStart(6)} ${c.at} ${c.channel.padEnd(5)} ${c.status.padEnd(9)} ${c.correspondence_id ?? c.message_id} ${c.reason ?? ""}`,
        );
      }
      return 0;
    } finally {
      copy.close();
    }
  }
  if (command === "paper") {
    out(values.csv ? await paperCsv(client, values.date) : formatPaperList(await paperList(client, values.date)));
    return 0;
  }
  if (command === "register") {
    const query = new URLSearchParams();
    if (values["as-of"]) query.set("as_of", values["as-of"]);
    if (values.flat) query.set("flat", values.flat);
    out(await client.json("GET", `register${query.size ? `?${query}` : ""}`));
    return 0;
  }
  if (command === "reject") {
    if (!values.flat || !values.seq || !values.reason) {
      console.error("usage: office reject --flat CODE --seq N --reason TEXT");
      return 2;
    }
    out(
      await client.json("POST", "register/decisions", {
        flat: values.flat,
        seq: Number(values.seq),
        decision: "reject",
        reason: values.reason,
      }),
    );
    return 0;
  }
  if (command === "health") {
    out(await client.json("GET", "health"));
    return 0;
  }
  console.error(USAGE);
  return 2;
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`office: ${(err as Error).message}`);
  process.exitCode = 1;
}
