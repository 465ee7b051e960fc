import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/harness.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
let gw: TestGateway;

/** Runs `npm run staff -- ...` the way the technician does (bun gateway/cli/staff.ts). */
function staff(args: string[], options: { password?: string; input?: string } = {}) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), DATA_DIR: gw.dataDir };
  delete env.STAFF_PASSWORD;
  if (options.password) env.STAFF_PASSWORD = options.password;
  const run = spawnSync(process.execPath, ["gateway/cli/staff.ts", ...args], {
    cwd: ROOT,
    env,
    input: options.input ?? "",
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

async function login(username: string, password: string) {
  const res = await gw.officeApp.request("http://localhost/office/api/login", {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost" },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] };
}

const me = async (cookie: string) =>
  (await gw.officeApp.request("http://localhost/office/api/me", { headers: { cookie } })).status;

beforeAll(async () => {
  gw = await startTestGateway({}, { demo: false });
});
afterAll(() => gw.dispose());

describe("npm run staff", () => {
  it("explains itself with --help, for the tool and for each command", () => {
    const main = staff(["--help"]);
    expect(main.code).toBe(0);
    expect(main.out).toMatch(/add <username>[\s\S]*reset-password[\s\S]*disable[\s\S]*list/);
    for (const command of ["add", "reset-password", "disable", "list"]) {
      const one = staff([command, "--help"]);
      expect(one.code, command).toBe(0);
      expect(one.out).toContain(`npm run staff -- ${command}`);
    }
  });

  it("refuses bad input with a message and a non-zero exit", () => {
    expect(staff([]).code).toBe(2);
    const unknown = staff(["promote", "kasia"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "promote"');
    expect(staff(["add"]).err).toContain("user name is missing");
    const short = staff(["add", "kasia"], { password: "krotkie" });
    expect(short.code).toBe(1);
    expect(short.err).toContain("at least 10 characters");
    const badName = staff(["add", "Kasia Nowak!"], { password: "Tajne-Hasło-2026" });
    expect(badName.code).toBe(1);
    expect(badName.err).toContain("username");
    expect(staff(["reset-password", "nikt"], { password: "Tajne-Hasło-2026" }).err).toContain("no staff user nikt");
    expect(staff(["disable", "nikt"]).code).toBe(1);
  });

  it("adds a user who can sign in, and refuses to add the same name twice", async () => {
    const added = staff(["add", "kasia", "--name", "Katarzyna Nowak"], { input: "Tajne-Hasło-2026\n" });
    expect(added.code, added.err).toBe(0);
    expect((await login("kasia", "Tajne-Hasło-2026")).status).toBe(200);
    const again = staff(["add", "kasia"], { password: "Inne-Hasło-2026" });
    expect(again.code).toBe(1);
    expect(again.err).toContain("already exists");
    expect((await login("kasia", "Tajne-Hasło-2026")).status).toBe(200);
  });

  it("resets a password and ends the user's open sessions", async () => {
    const session = await login("kasia", "Tajne-Hasło-2026");
    expect(await me(session.cookie)).toBe(200);
    const reset = staff(["reset-password", "kasia"], { password: "Nowe-Hasło-2027" });
    expect(reset.code, reset.err).toBe(0);
    expect(reset.out).toMatch(/session\(s\) ended/);
    expect(await me(session.cookie)).toBe(401);
    expect((await login("kasia", "Tajne-Hasło-2026")).status).toBe(401);
    expect((await login("kasia", "Nowe-Hasło-2027")).status).toBe(200);
  });

  it("disables a user: sessions end and the login is refused; list shows it", async () => {
    const session = await login("kasia", "Nowe-Hasło-2027");
    expect(staff(["disable", "kasia"]).code).toBe(0);
    expect(await me(session.cookie)).toBe(401);
    expect((await login("kasia", "Nowe-Hasło-2027")).status).toBe(401);
    const list = staff(["list", "--json"]);
    expect(list.code).toBe(0);
    const users = JSON.parse(list.out);
    expect(users).toEqual([
      expect.objectContaining({ username: "kasia", displayName: "Katarzyna Nowak", disabledAt: expect.any(String) }),
    ]);
    expect(list.out).not.toMatch(/scrypt|password/i);
    expect(staff(["list"]).out).toMatch(/^kasia\s+Katarzyna Nowak\s+disabled/m);
  });
});
