import preact from "@preact/preset-vite";
import { defineConfig } from "vitest/config";

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
            "kiosk-ui/e2e/**/*.test.ts",
          ],
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
