/**
 * The hub's configuration: one typed object from an optional JSON file (`--config`, or
 * OFFICE_HUB_CONFIG) with environment overrides. A bad value stops the start naming the key.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";

export const hubConfigSchema = z.object({
  /** PostgreSQL connection URL (env DATABASE_URL), e.g. postgres://hub@127.0.0.1:5432/office_hub. */
  databaseUrl: z.string().min(1),
  listen: z
    .object({
      /** Bind address; behind a reverse proxy (TLS) keep it on loopback. Env OFFICE_HUB_HOST. */
      host: z.string().default("127.0.0.1"),
      /** Env OFFICE_HUB_PORT; 0 picks a free port (tests). */
      port: z.coerce.number().int().min(0).max(65_535).default(8090),
    })
    .prefault({}),
  /** Allowed clock difference of a signed request (seconds). */
  windowSeconds: z.coerce.number().int().min(30).max(3_600).default(300),
  /** Paper period after an application, for the per-flat state the hub serves (days). */
  graceDays: z.coerce.number().int().min(0).max(90).default(14),
  /** The cooperative's time zone: the paper list's day boundaries. */
  timezone: z.string().default("Europe/Warsaw"),
  /** Largest request body (a push batch of 500 events is about 300 KB). */
  maxBodyBytes: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(16 * 1024 * 1024),
  /** Connections to PostgreSQL. */
  poolSize: z.coerce.number().int().min(1).max(100).default(10),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"),
});

export type HubConfig = z.infer<typeof hubConfigSchema>;

export class HubConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`configuration key "${key}": ${message}`);
    this.name = "HubConfigError";
  }
}

const ENV: Record<string, string[]> = {
  DATABASE_URL: ["databaseUrl"],
  OFFICE_HUB_HOST: ["listen", "host"],
  OFFICE_HUB_PORT: ["listen", "port"],
  OFFICE_HUB_LOG_LEVEL: ["logLevel"],
};

export function loadHubConfig(
  input: { file?: string; env?: Record<string, string | undefined>; overrides?: Record<string, unknown> } = {},
): HubConfig {
  const env = input.env ?? process.env;
  const file = input.file ?? env.OFFICE_HUB_CONFIG;
  let raw: Record<string, unknown> = {};
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new HubConfigError("(file)", `cannot read ${file}: ${(err as Error).message}`);
    }
  }
  for (const [name, path] of Object.entries(ENV)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    let node = raw;
    for (const key of path.slice(0, -1)) {
      node[key] = { ...((node[key] as Record<string, unknown>) ?? {}) };
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  const parsed = hubConfigSchema.safeParse({ ...raw, ...input.overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join(".") || "(root)";
    const hint = key === "databaseUrl" ? " (set DATABASE_URL or databaseUrl in the config file)" : "";
    throw new HubConfigError(key, `${issue.message}${hint}`);
  }
  return parsed.data;
}
