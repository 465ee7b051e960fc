/** The hub's HTTP app: /push/v1 for kiosks, /office/v1 for the cooperatives' offices, /healthz. */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { Clock } from "../gateway/clock.ts";
import { signedBy } from "./auth.ts";
import type { HubConfig } from "./config.ts";
import { HUB_ERRORS, hubOpenApiDocument } from "./contract.ts";
import type { HubDb } from "./db/client.ts";
import { HubError, type HubErrorCode } from "./errors.ts";
import { officeRoutes } from "./routes/office.ts";
import { pushRoutes } from "./routes/push.ts";
import { HeldFlats } from "./services/flatHolders.ts";

/** Each thrown code's status, from the table the OpenAPI document lists (contract.ts). */
const status = (code: HubErrorCode) => HUB_ERRORS[code].status;

export function createHubApp(deps: { db: HubDb; config: HubConfig; logger: Logger; clock: Clock }) {
  const { windowSeconds, maxBodyBytes, graceDays, timezone } = deps.config;
  const { db, clock } = deps;
  const app = new Hono();
  const document = JSON.stringify(hubOpenApiDocument({ windowSeconds }));
  app.get("/openapi.json", (c) => c.body(document, 200, { "content-type": "application/json" }));
  app.get("/healthz", async (c) => {
    try {
      await deps.db.execute(sql`select 1`);
      return c.json({ status: "ok" });
    } catch {
      return c.json({ status: "down", reason: "database unreachable" }, 503);
    }
  });
  app.use("/push/v1/*", signedBy({ db, clock, windowSeconds, maxBodyBytes }, "kiosk"));
  app.route("/push/v1", pushRoutes({ db, clock, heldFlats: new HeldFlats(), sequencing: new Set() }));
  app.use("/office/v1/*", signedBy({ db, clock, windowSeconds, maxBodyBytes }, "office"));
  app.route("/office/v1", officeRoutes({ db, clock, graceDays, timezone }));
  app.notFound((c) => c.json({ error: { code: "not_found", message: "no such endpoint" } }, 404));
  app.onError((err, c) => {
    if (err instanceof HubError) {
      return c.json({ error: { code: err.code, message: err.message, ...err.details } }, status(err.code));
    }
    // A failed query's message carries its parameters (personal data): log the database's own reason only.
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    deps.logger.error(
      { err: { name: err.name, reason: cause?.message ?? err.message.slice(0, 200), code: cause?.code } },
      "request failed",
    );
    return c.json({ error: { code: "internal", message: "the hub could not answer; it is logged" } }, 500);
  });
  return app;
}
