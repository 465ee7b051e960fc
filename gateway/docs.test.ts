/**
 * The docs stay true: every path, command and configuration key that README.md and docs/ name
 * must exist, the configuration reference must match the schema, and nothing points outside
 * the repository.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { configReference } from "./cli/configDoc.ts";
import { configSchema } from "./config.ts";

const root = join(import.meta.dirname, "..");
const docs = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const text = new Map(docs.map((d) => [d, readFileSync(join(root, d), "utf8")]));
const TOP = /^(db|gateway|drivers|kiosk-ui|deploy|bench|docs|office-hub|\.ci)\//;

/** Inline code spans and link targets of a markdown file. */
function spans(md: string): string[] {
  return [...md.matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim());
}

describe("README.md and docs/", () => {
  it("point to nothing outside the repository", () => {
    for (const [doc, md] of text) expect(md, doc).not.toMatch(/\.\.\/shared|\/work\/|notes\//);
  });

  it("name only files and folders that exist", () => {
    const missing: string[] = [];
    for (const [doc, md] of text) {
      const paths = [
        ...spans(md).flatMap((s) => s.split(/[\s,()]+/)),
        ...[...md.matchAll(/\]\(([^)#\s]+)/g)].map((m) => (doc.startsWith("docs/") ? `docs/${m[1]}` : m[1])),
      ]
        .map((p) => p.replace(/^\.\//, "").replace(/[:.;]+$/, ""))
        .filter((p) => TOP.test(p) || /^docs\/.+\.md$/.test(p))
        .filter((p) => !/[*<>{}$…]|\.\.\.|\bX\b/.test(p));
      for (const p of paths) {
        const resolved = p.replace(/^docs\/\.\.\//, "");
        if (!existsSync(join(root, resolved))) missing.push(`${doc}: ${p}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("name only npm scripts that exist", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts);
    const missing: string[] = [];
    for (const [doc, md] of text) {
      for (const m of md.matchAll(/npm run ([\w:-]+)/g)) if (!scripts.includes(m[1])) missing.push(`${doc}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it("name only configuration keys the schema has", () => {
    const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as {
      properties: Record<string, unknown>;
    };
    const has = (path: string[]): boolean => {
      // biome-ignore lint/suspicious/noExplicitAny: walking a JSON Schema
      let node: any = schema;
      for (const key of path) {
        if (key === "*") return true;
        const props = node?.properties ?? node?.anyOf?.find((a: { properties?: unknown }) => a.properties)?.properties;
        if (!props || !(key in props)) return false;
        node = props[key];
      }
      return true;
    };
    const sections = Object.keys(schema.properties).filter((k) => {
      const p = (schema.properties[k] as { properties?: unknown }).properties;
      return p !== undefined;
    });
    const keyLike = new RegExp(`^(${sections.join("|")})\\.([A-Za-z0-9_.*]+)$`);
    const missing: string[] = [];
    for (const [doc, md] of text) {
      for (const span of spans(md)) {
        for (const word of span.split(/[\s,=()]+/)) {
          const key = word.replace(/^EK__/, "").replace(/__/g, ".");
          if (keyLike.test(key) && !has(key.split("."))) missing.push(`${doc}: ${word}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("carry a configuration reference generated from the current schema (npm run docs:config)", () => {
    const out = spawnSync(process.execPath, [join(root, "gateway/cli/configDoc.ts"), "--check"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(out.stderr + out.stdout).toContain("matches the schema");
    expect(out.status).toBe(0);
  });

  it("say what every configuration key means (a JSDoc comment or .describe() in gateway/config.ts)", () => {
    const rows = configReference()
      .split("\n")
      .filter((line) => line.startsWith("| `"));
    expect(rows.length).toBeGreaterThan(100);
    const unexplained = rows.filter((row) => row.replace(/\\\|/g, "").split("|")[4]?.trim() === "");
    expect(unexplained.map((row) => row.split("|")[1].trim())).toEqual([]);
  });

  it("keep README.md a newcomer's page with the two commands at its top", () => {
    const readme = text.get("README.md") as string;
    expect(readme.split("\n").length).toBeLessThan(250);
    const top = readme.split("\n").slice(0, 8).join("\n");
    expect(top).toContain("npm install && npm start");
    expect(top).toContain("npm test");
  });
});
