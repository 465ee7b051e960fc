/** The two Hono apps, one per listener, composed in one place. */
import { Hono } from "hono";
import { except } from "hono/combine";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { GatewayContext } from "./context.ts";
import { KioskError } from "./errors.ts";
import { errorCodeFor } from "./office/contract/errors.ts";
import { allowedHostsOnly } from "./routes/allowedHosts.ts";
import { bodyCap } from "./routes/bodyCap.ts";
import { browserHardening, consoleCsrf } from "./routes/browserHardening.ts";
import { contactsRoutes } from "./routes/contacts.ts";
import { devClockRoutes } from "./routes/devClock.ts";
import { devMailRoutes } from "./routes/devMail.ts";
import { devPrinterRoutes } from "./routes/devPrinter.ts";
import { devSmsRoutes } from "./routes/devSms.ts";
import { healthRoutes } from "./routes/health.ts";
import { kioskRoutes } from "./routes/kiosk.ts";
import { officeRoutes } from "./routes/office/index.ts";
import { kioskKeysRoutes, receiptsRoutes } from "./routes/receipts.ts";
import { smsRoutes } from "./routes/sms.ts";
import { staffRoutes } from "./routes/staff.ts";
import { serveUi } from "./routes/static.ts";
import { verificationsRoutes } from "./routes/verifications.ts";

/** The kiosk-facing API; its type feeds the typed `hc` client in kiosk-ui. */
export function createApi(ctx: GatewayContext) {
  return new Hono()
    .route("/contacts", contactsRoutes)
    .route("/sms", smsRoutes)
    .route("/kiosk", kioskRoutes(ctx))
    .route("/receipts", receiptsRoutes(ctx))
    .route("/verifications", verificationsRoutes(ctx));
}

export type KioskApi = ReturnType<typeof createApi>;

/** JSON errors with a code, and a JSON 404, on both listeners. */
function baseApp(ctx: GatewayContext, allowedHosts: string[]) {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof KioskError) {
      // BUSY is the hashing queue shedding a flood: expected, and one log line per refusal would feed the flood.
      if (err.status >= 500 && err.code !== "BUSY")
        ctx.logger.error({ err, code: err.code, path: c.req.path }, "request failed");
      const retryAfter = err.details?.retryAfterSeconds;
      if (typeof retryAfter === "number") c.header("Retry-After", String(Math.ceil(retryAfter)));
      return c.json(
        {
          error: {
            code: errorCodeFor(c.req.path, err.code),
            message: err.message,
            ...(err.details ? { details: err.details } : {}),
          },
        },
        err.status as ContentfulStatusCode,
      );
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code =
        status === 401 ? "UNAUTHORIZED" : status === 404 ? "NOT_FOUND" : status < 500 ? "BAD_REQUEST" : "INTERNAL";
      return c.json({ error: { code: errorCodeFor(c.req.path, code), message: err.message || code } }, status);
    }
    if (ctx.disk.noteFailure(err)) {
      // Nothing was committed; the kiosk shows its out-of-service screen until space is freed.
      ctx.logger.error({ err, path: c.req.path }, "write failed: the data disk is full");
      return c.json(
        {
          error: {
            code: errorCodeFor(c.req.path, "OUT_OF_SERVICE"),
            message: "out of service: the kiosk's storage is full; please ask at the office",
          },
        },
        503,
      );
    }
    ctx.logger.error({ err, path: c.req.path }, "unhandled error");
    return c.json({ error: { code: errorCodeFor(c.req.path, "INTERNAL"), message: "internal error" } }, 500);
  });

  app.notFound((c) =>
    c.json(
      { error: { code: errorCodeFor(c.req.path, "NOT_FOUND"), message: `no route for ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );
  // Before anything else: a page on another site that rebinds its name to us gets nothing.
  app.use("*", allowedHostsOnly(allowedHosts));
  app.use("*", browserHardening());
  return app;
}

/**
 * The kiosk's listener (server.host, loopback only): the kiosk API and UI for the local
 * Chromium, health and the slips' public keys, and the demo's device pages.
 */
export function createApp(ctx: GatewayContext) {
  const app = baseApp(ctx, ctx.config.server.allowedHosts);
  app.use("*", bodyCap(ctx.config.server.maxBodyBytes));
  app.route("/", healthRoutes(ctx));
  app.route("/", kioskKeysRoutes(ctx));
  app.route("/api/v1", createApi(ctx));
  // The demo's device pages, each mounted only when its simulated device runs.
  if (ctx.config.demo) {
    if (ctx.mailSink) app.route("/", devMailRoutes(ctx.mailSink));
    if (ctx.sms.simulator) app.route("/", devSmsRoutes(ctx, ctx.sms.simulator));
    if (ctx.printerSimulator) app.route("/", devPrinterRoutes(ctx.printerSimulator));
    if (ctx.demoClock) app.route("/", devClockRoutes(ctx, ctx.demoClock));
  }
  app.use("/*", serveUi(ctx.uiDir));
  return app;
}

/**
 * The office's listener (office.listen): the signed office API and the staff console, the only
 * things a reverse proxy or the technician's tunnel should expose. The kiosk API is not here.
 */
export function createOfficeApp(ctx: GatewayContext) {
  const app = baseApp(ctx, ctx.config.office.allowedHosts);
  // The office API's larger cap is checked in officeAuth, after its headers, so an unsigned
  // request is never read at all; everything else here takes small JSON bodies.
  app.use("*", except("/office/v1/*", bodyCap(ctx.config.server.maxBodyBytes)));
  app.route("/", healthRoutes(ctx));
  app.route("/", kioskKeysRoutes(ctx));
  app.route("/office/v1", officeRoutes(ctx));
  app.use("/office/api/*", consoleCsrf());
  app.route("/", staffRoutes(ctx));
  // The console page's scripts and styles (Vite builds both pages into one assets folder).
  app.use("/assets/*", serveUi(ctx.uiDir));
  return app;
}
