/**
 * Staff console users, on the gateway's database (`dataDir` from the configuration), also while
 * the gateway runs:
 *   npm run staff -- add <username> [--name "Katarzyna Nowak"]
 *   npm run staff -- reset-password <username>      ends that user's sessions
 *   npm run staff -- disable <username>             refuses the login, ends the sessions
 *   npm run staff -- list
 * Passwords come from STAFF_PASSWORD or are read from standard input (never from the arguments,
 * which other users of the machine can see).
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { openDb } from "../../db/client.ts";
import { systemClock } from "../clock.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { KioskError } from "../errors.ts";
import { addStaffUser, MIN_PASSWORD } from "../services/addStaffUser.ts";
import { disableStaffUser } from "../services/disableStaffUser.ts";
import { listStaffUsers } from "../services/listStaffUsers.ts";
import { resetStaffPassword } from "../services/resetStaffPassword.ts";

const HELP: Record<string, string> = {
  main: `usage: npm run staff -- <command> [options]

commands:
  add <username> [--name "Display Name"]   add a console user
  reset-password <username>                set a new password; ends the user's sessions
  disable <username>                       refuse the user's login; ends the sessions
  list                                     users, their state and open sessions

Passwords (at least ${MIN_PASSWORD} characters) come from STAFF_PASSWORD or standard input.
Run "npm run staff -- <command> --help" for one command.`,
  add: `usage: npm run staff -- add <username> [--name "Display Name"]
Adds a staff console user (2-40 of a-z 0-9 . _ -). Fails when the user exists: use reset-password.
Password from STAFF_PASSWORD or standard input (at least ${MIN_PASSWORD} characters).`,
  "reset-password": `usage: npm run staff -- reset-password <username>
Sets a new password (STAFF_PASSWORD or standard input) and ends all of the user's sessions.`,
  disable: `usage: npm run staff -- disable <username>
Refuses the user's login from now on and ends all of the user's sessions.`,
  list: `usage: npm run staff -- list [--json]
Lists the console users: name, state, last login and open sessions.`,
};

function fail(message: string, code = 1): never {
  console.error(`staff: ${message}`);
  process.exit(code);
}

let parsed: ReturnType<
  typeof parseArgs<{
    allowPositionals: true;
    options: { name: { type: "string" }; help: { type: "boolean"; short: "h" }; json: { type: "boolean" } };
  }>
>;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { name: { type: "string" }, help: { type: "boolean", short: "h" }, json: { type: "boolean" } },
  });
} catch (err) {
  fail(`${(err as Error).message}\n\n${HELP.main}`, 2);
}
const { positionals, values } = parsed;
const [command, username, ...extra] = positionals;

if (!command || command === "help") {
  console.log(HELP.main);
  process.exit(command || values.help ? 0 : 2);
}
if (!(command in HELP) || command === "main") fail(`unknown command "${command}"\n\n${HELP.main}`, 2);
if (values.help) {
  console.log(HELP[command]);
  process.exit(0);
}
if (command !== "list" && !username) fail(`${command}: the user name is missing\n\n${HELP[command]}`, 2);
if (extra.length > 0 || (command === "list" && username)) fail(`unexpected argument "${extra[0] ?? username}"`, 2);
if (values.name !== undefined && command !== "add") fail(`--name is only for add`, 2);

async function readPassword(): Promise<string> {
  const fromEnv = process.env.STAFF_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write(`Hasło dla ${username} (min. ${MIN_PASSWORD} znaków): `);
  const rl = createInterface({ input: process.stdin, terminal: false });
  const line = await new Promise<string>((resolve) => {
    rl.once("line", resolve);
    rl.once("close", () => resolve(""));
  });
  rl.close();
  return line.trim();
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, 2);
  throw err;
}
const password = command === "add" || command === "reset-password" ? await readPassword() : "";
if ((command === "add" || command === "reset-password") && password.length < MIN_PASSWORD) {
  fail(`password: at least ${MIN_PASSWORD} characters (STAFF_PASSWORD or standard input)`);
}

const database = openDb(`${config.dataDir}/gateway.sqlite`);
const deps = { db: database.db, clock: systemClock };
try {
  if (command === "add") {
    const user = addStaffUser(deps, { username, displayName: values.name, password, onExisting: "fail" });
    console.log(`staff user ${user.username} added; sign in at /office/`);
  } else if (command === "reset-password") {
    const result = resetStaffPassword(deps, { username, password });
    console.log(`password of ${result.username} changed; ${result.revokedSessions} session(s) ended`);
  } else if (command === "disable") {
    const result = disableStaffUser(deps, { username });
    console.log(
      `${result.username} ${result.alreadyDisabled ? "was already disabled" : "disabled"}; ${result.revokedSessions} session(s) ended`,
    );
  } else {
    const users = listStaffUsers(deps);
    if (values.json) console.log(JSON.stringify(users, null, 2));
    else if (users.length === 0) console.log("no staff users (add one: npm run staff -- add <username>)");
    else
      for (const u of users) {
        const state = u.disabledAt ? `disabled ${u.disabledAt.slice(0, 10)}` : "active";
        console.log(
          `${u.username.padEnd(20)} ${u.displayName.padEnd(28)} ${state.padEnd(20)} last login ${u.lastLoginAt?.slice(0, 16) ?? "never"}  sessions ${u.activeSessions}`,
        );
      }
  }
} catch (err) {
  process.exitCode = err instanceof KioskError && err.code !== "INTERNAL" ? 1 : 3;
  console.error(`staff: ${(err as Error).message}`);
} finally {
  database.close();
}
