import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { benchNames, ratioSummary } from "./machine.ts";

const here = new URL(".", import.meta.url).pathname;

describe("the benches", () => {
  it("are the files of bench/ other than the shared modules, and each says how loaded the machine was", () => {
    const names = benchNames();
    expect(names).toContain("email");
    expect(names).toContain("hub");
    expect(names).not.toContain("machine");
    expect(names).not.toContain("run");
    for (const name of names) {
      const source = readFileSync(`${here}${name}.ts`, "utf8");
      // benchMachine prints the load before and after and refuses a busy machine; a memory
      // bench that measures on a busy machine too prints loadLine() itself
      expect(/benchMachine\(|loadLine\(/.test(source), `bench/${name}.ts prints no load average`).toBe(true);
    }
  });

  it("reports the median of the per-round ratios with their spread", () => {
    expect(ratioSummary([0.9, 1.1, 0.7]).text).toBe("0.90 (rounds 0.70–1.10, n=3)");
  });
});
