/** Every screen at 720×1280 portrait, in Ukrainian: screenshots, no scrolling primary action, axe clean. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, type GatewayProcess, type Kiosk, openKiosk, startGatewayProcess } from "./harness.ts";
import { walkThrough } from "./layouts.ts";

let gateway: GatewayProcess;
let kiosk: Kiosk;

beforeAll(async () => {
  ensureBuilt();
  gateway = await startGatewayProcess();
  kiosk = await openKiosk(gateway.url, "portrait");
}, 90_000);

afterAll(async () => {
  await kiosk?.close();
  await gateway?.dispose();
});

describe("the kiosk at 720×1280 portrait in Ukrainian", () => {
  it("enrols, shows the status and withdraws from SMS with every step laid out and accessible", async () => {
    const problems = await walkThrough(gateway, kiosk, {
      language: "Українська",
      flatCode: "KOS22-B-3",
      email: { local: "portrait.screen", chip: "@o2.pl" },
      mobile: "601200301",
    });
    expect(problems).toEqual([]);
  }, 90_000);
});
