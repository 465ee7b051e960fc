/** Every screen at 1280×800, in English: screenshots, no scrolling primary action, axe clean. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, type GatewayProcess, type Kiosk, openKiosk, startGatewayProcess } from "./harness.ts";
import { walkThrough } from "./layouts.ts";

let gateway: GatewayProcess;
let kiosk: Kiosk;

beforeAll(async () => {
  ensureBuilt();
  gateway = await startGatewayProcess();
  kiosk = await openKiosk(gateway.url, "large");
}, 90_000);

afterAll(async () => {
  await kiosk?.close();
  await gateway?.dispose();
});

describe("the kiosk at 1280×800 in English", () => {
  it("enrols, shows the status and withdraws from SMS with every step laid out and accessible", async () => {
    const problems = await walkThrough(gateway, kiosk, {
      language: "English",
      flatCode: "STR5-B-4",
      email: { local: "large.screen", chip: "@o2.pl" },
      mobile: "601200300",
    });
    expect(problems).toEqual([]);
  }, 90_000);
});
