import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, validateConfig } from "./config.ts";
import { assertRealDevices } from "./modes.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const NO_FILE = { CONFIG_FILE: undefined, DATA_DIR: "/nonexistent-ekor-data" };

/** Every `EK__key=value` example the documentation and the shipped configuration give. */
function documentedEnvExamples(): Array<{ where: string; name: string; value: string }> {
  const files = [
    "README.md",
    ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`),
    ...readdirSync(join(ROOT, "deploy/config")).map((f) => `deploy/config/${f}`),
    ...readdirSync(join(ROOT, "deploy/doctor")).map((f) => `deploy/doctor/${f}`),
  ].filter((f) => /\.(md|env|json|ts)$/.test(f));
  const found: Array<{ where: string; name: string; value: string }> = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    for (const m of text.matchAll(/\b(EK__[A-Za-z0-9_]+)=('[^']*'|"[^"]*"|[^\s`),;]+)/g)) {
      if (/^EK__(section__key|a__b)$/.test(m[1])) continue; // the syntax itself, not an example
      const value = m[2].startsWith("'") ? m[2].slice(1, -1) : m[2];
      found.push({ where: file, name: m[1], value });
    }
  }
  return found;
}

describe("modes", () => {
  it("starts in production when nothing asks for the demo", () => {
    expect(loadConfig(NO_FILE).demo).toBe(false);
    expect(loadConfig({ ...NO_FILE, EK__demo: "true" }).demo).toBe(true);
    expect(loadConfig(NO_FILE, { demo: true }).demo).toBe(true);
  });

  it("ships configuration files that are production", () => {
    const shipped = JSON.parse(readFileSync(join(ROOT, "deploy/config/config.json"), "utf8"));
    const config = validateConfig(shipped);
    expect(config.demo).toBe(false);
    expect(() => assertRealDevices(config)).not.toThrow();
    const unit = readFileSync(join(ROOT, "deploy/systemd/e-korespondencja-gateway.service"), "utf8");
    expect(unit).not.toMatch(/--demo|EK__demo=true/);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.start).toMatch(/gateway\/main\.ts --demo$/);
  });

  it.each([
    ["sms.driver", {}],
    ["email.driver", { sms: { driver: "gammu" } }],
    ["printer.uri", { sms: { driver: "gammu" }, email: { driver: "smtp" } }],
  ])("refuses a simulated device in production and names %s", (key, raw) => {
    const config = validateConfig({ demo: false, ...raw });
    expect(() => assertRealDevices(config)).toThrow(ConfigError);
    expect(() => assertRealDevices(config)).toThrow(`configuration key "${key}"`);
    expect(() => assertRealDevices({ ...config, demo: true })).not.toThrow();
  });

  it("stops the production gateway at start when a device is simulated, naming the key", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ekor-modes-"));
    const result = await execa(join(ROOT, "node_modules/.bin/bun"), ["gateway/main.ts"], {
      cwd: ROOT,
      env: { DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", EK__sms__driver: "gammu" },
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 30_000,
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain('configuration key "email.driver": a simulated device is not allowed in production');
    expect(result.all).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});

describe("environment values", () => {
  it("keeps a PIN and a password made of digits as text", () => {
    const config = loadConfig({ ...NO_FILE, EK__sms__pin: "1234", EK__email__pass: "12345678" });
    expect(config.sms.pin).toBe("1234");
    expect(config.email.pass).toBe("12345678");
  });

  it("still converts numbers, booleans and JSON-quoted text", () => {
    const config = loadConfig({
      ...NO_FILE,
      EK__rules__graceDays: "7",
      EK__email__secure: "true",
      EK__printer__widthMm: "58",
      EK__sms__quietHours__start: '"07:30"',
      EK__rules__categoryChannels__water_bill: '["email","sms"]',
    });
    expect(config.rules.graceDays).toBe(7);
    expect(config.email.secure).toBe(true);
    expect(config.printer.widthMm).toBe(58);
    expect(config.sms.quietHours.start).toBe("07:30");
  });

  it("loads every example value that README.md, docs/ and deploy/config give", () => {
    const examples = documentedEnvExamples();
    expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(["EK__sms__pin", "EK__rules__graceDays"]));
    for (const example of examples) {
      expect(
        () => loadConfig({ ...NO_FILE, [example.name]: example.value }),
        `${example.where}: ${example.name}=${example.value}`,
      ).not.toThrow();
    }
  });
});
