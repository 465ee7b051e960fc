import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const fixtures = join(root, "gateway/messaging/bounce/fixtures");
const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "gateway/cli/bounce.ts"), ...args], { encoding: "utf8", cwd: root });

describe("npm run bounce -- classify", () => {
  it("prints one JSON line per file with kind, recipients, status and Message-ID", () => {
    const out = run("classify", join(fixtures, "gmail-over-quota.eml"), join(fixtures, "qmail-permanent.eml"));
    expect(out.status).toBe(0);
    const lines = out.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        file: join(fixtures, "gmail-over-quota.eml"),
        kind: "mailbox_full",
        recipients: ["teresa.wozniak@gmail.com"],
        status: "5.2.2",
        messageId: "<letter-117-email@k1.naszdom.radom.pl>",
      },
      {
        file: join(fixtures, "qmail-permanent.eml"),
        kind: "permanent",
        recipients: ["katarzyna.wojcik@qmail.example"],
        status: "5.1.1",
        messageId: "<letter-107-email@k1.naszdom.radom.pl>",
      },
    ]);
  });

  it("says which file it cannot read and exits 1, after classifying the others", () => {
    const out = run("classify", "/nonexistent.eml", join(fixtures, "not-bounce-reply.eml"));
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("cannot read /nonexistent.eml: ENOENT");
    expect(JSON.parse(out.stdout.trim()).kind).toBe("not_a_bounce");
  });

  it("answers --help and refuses a call without files", () => {
    expect(run("--help")).toMatchObject({ status: 0 });
    expect(run("--help").stdout).toContain("classify <file.eml>");
    const bare = run("classify");
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain("usage:");
  });
});
