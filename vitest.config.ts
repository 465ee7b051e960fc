import preact from "@preact/preset-vite";
import { configDefaults, defineConfig } from "vitest/config";

const SERIAL = ["deploy/kiosk.test.ts", "deploy/os.test.ts"];

export default defineConfig({
  test: {
    pool: "forks",
    reporters: ["default", "./gateway/testing/summaryReporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "server",
          environment: "node",
          include: [
            "gateway/**/*.test.ts",
            "db/**/*.test.ts",
            "drivers/**/*.test.ts",
            "deploy/**/*.test.ts",
            "bench/**/*.test.ts",
            "office-hub/**/*.test.ts",
            "kiosk-ui/e2e/**/*.test.ts",
          ],
          exclude: [...configDefaults.exclude, ...SERIAL],
        },
      },
      {
        // Whole-machine tests (a cage + Chromium display, a booted Debian under systemd-nspawn)
        // run after everything else, one at a time, so no other test competes with them.
        extends: true,
        test: {
          name: "serial",
          environment: "node",
          include: SERIAL,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        plugins: [preact()],
        test: {
          name: "ui",
          environment: "happy-dom",
          include: ["kiosk-ui/src/**/*.test.{ts,tsx}"],
        },
      },
    ],
  },
});
