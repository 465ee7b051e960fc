import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./office-hub/db/schema.ts",
  out: "./office-hub/migrations",
});
