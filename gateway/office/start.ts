/**
 * The office side of the runtime: the demo office key (printed at start) and, when `office.url`
 * is set, the push sync with its `office_sync` health part.
 */
import { ConfigError } from "../config.ts";
import type { BaseContext } from "../context.ts";
import type { Part } from "../lifecycle.ts";
import { ensureDemoOfficeKey } from "../services/ensureDemoOfficeKey.ts";
import { ensureDemoStaffUser } from "../staff/start.ts";
import { OfficePush } from "./push.ts";

/** The push sync, or null when `office.url` is unset (the office pulls). */
export function startOffice(ctx: BaseContext, print: (line: string) => void = console.log): Part<OfficePush | null> {
  if (ctx.config.demo) {
    const key = ensureDemoOfficeKey(ctx);
    ctx.logger.info({ keyId: key.keyId, source: key.source }, "demo office key ready");
    if (ctx.config.logLevel !== "silent") {
      print(
        [
          "",
          `Office API demo key: X-Office-Key: ${key.keyId}`,
          `  secret (${key.source === "environment" ? "from OFFICE_DEMO_SECRET" : key.source === "stored" ? "stored in the database" : "generated now, stored"}): ${key.secret}`,
        ].join("\n"),
      );
    }
  }
  const staff = ensureDemoStaffUser(ctx);
  if (staff && ctx.config.logLevel !== "silent") {
    print(`Staff console (/office/) demo login: ${staff.username} / ${staff.password}`);
  }
  const { url, keyId, secret } = ctx.config.office;
  if (!url) {
    ctx.health.register("office_sync", () => ({ status: "not_configured", mode: "pull only (office.url unset)" }));
    return { name: "office-push", service: null, stop: () => {} };
  }
  // validateConfig already refused a URL without its key; this guards callers that built a config by hand.
  if (!keyId || !secret)
    throw new ConfigError("office.keyId", "office.keyId and office.secret are required with office.url");
  const push = new OfficePush(ctx);
  ctx.health.register("office_sync", () => push.health());
  push.start();
  ctx.logger.info({ target: new URL(url).origin }, "office push sync started");
  return { name: "office-push", service: push, stop: () => push.stop() };
}
