/**
 * A real IMAP server for tests: Debian's dovecot (dovecot-imapd) with a throw-away config in a
 * temp dir (passwd-file, maildir, plaintext auth on 127.0.0.1, no TLS), on a free port.
 * As root the login and mail processes use the package's unprivileged users (dovenull/dovecot);
 * as a normal user everything runs as that user.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./local.ts";

export const DOVECOT_BIN = "/usr/sbin/dovecot";

export interface Dovecot {
  port: number;
  user: string;
  pass: string;
  dir: string;
  stop(): Promise<void>;
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("data", (d) => done(d.toString().startsWith("* OK")));
    socket.once("error", () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

const idOf = (name: string, flag: "-u" | "-g") => Number(execFileSync("id", [flag, name]).toString().trim());

export async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), "ekor-dovecot-"));
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  const mailUid = root ? idOf("dovecot", "-u") : (process.getuid?.() ?? 0);
  const mailGid = root ? idOf("dovecot", "-g") : (process.getgid?.() ?? 0);
  for (const sub of ["run", "state", "mail"]) mkdirSync(join(dir, sub));
  if (root) chownSync(join(dir, "mail"), mailUid, mailGid);
  const port = await freePort();
  const user = "bounces";
  const pass = "test-secret";
  writeFileSync(join(dir, "users"), `${user}:{PLAIN}${pass}\n`);
  const me = userInfo().username;
  const conf = [
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `log_path = ${dir}/dovecot.log`,
    "protocols = imap",
    "listen = 127.0.0.1",
    "ssl = no",
    "disable_plaintext_auth = no",
    "auth_mechanisms = plain login",
    "first_valid_uid = 0",
    ...(root ? [] : [`default_login_user = ${me}`, `default_internal_user = ${me}`, `default_internal_group = ${me}`]),
    `mail_location = maildir:${dir}/mail/%u`,
    "passdb {",
    "  driver = passwd-file",
    `  args = scheme=PLAIN username_format=%u ${dir}/users`,
    "}",
    "userdb {",
    "  driver = static",
    `  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u`,
    "}",
    "service imap-login {",
    "  chroot =",
    "  inet_listener imap {",
    "    address = 127.0.0.1",
    `    port = ${port}`,
    "  }",
    "  inet_listener imaps {",
    "    port = 0",
    "  }",
    "}",
    "service anvil {",
    "  chroot =",
    "}",
  ].join("\n");
  writeFileSync(join(dir, "dovecot.conf"), `${conf}\n`);
  const child: ChildProcess = spawn(DOVECOT_BIN, ["-c", join(dir, "dovecot.conf"), "-F"], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await greets(port)) return { port, user, pass, dir, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  let log = "";
  try {
    log = readFileSync(join(dir, "dovecot.log"), "utf8");
  } catch {
    // no log written
  }
  await stop();
  throw new Error(`dovecot did not start on port ${port}: ${log.slice(-2000)}`);
}
