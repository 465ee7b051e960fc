/** What the cooperative's office reads (office key, signed): register, flats, deliveries, paper, kiosks. */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import type { Clock } from "../../gateway/clock.ts";
import { calendarDate } from "../../gateway/domain/paperForm.ts";
import type { HubEnv } from "../auth.ts";
import { HubPageQuery, HubPaperQuery } from "../contract.ts";
import type { HubDb } from "../db/client.ts";
import { HubError } from "../errors.ts";
import {
  flatRegister,
  listCoopDeliveries,
  listCoopEvents,
  listKioskKeys,
  listKiosks,
} from "../services/officeReads.ts";
import { hubPaperCsv, hubPaperList } from "../services/paperList.ts";

function invalid(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  if (!result.success) {
    const issue = result.error!.issues[0];
    throw new HubError("bad_request", `${issue.path.join(".") || "query"}: ${issue.message}`);
  }
}

export function officeRoutes(deps: { db: HubDb; clock: Clock; graceDays: number; timezone: string }) {
  const app = new Hono<HubEnv>();
  app.get("/register/events", zValidator("query", HubPageQuery, invalid), async (c) => {
    const { cooperativeId } = c.get("principal");
    return c.json(await listCoopEvents(deps, { cooperativeId, ...c.req.valid("query") }));
  });
  app.get("/register/flats", async (c) => {
    const { cooperativeId } = c.get("principal");
    return c.json({ flats: await flatRegister(deps, { cooperativeId }) });
  });
  app.get("/register/flats/:flat", async (c) => {
    const { cooperativeId } = c.get("principal");
    const [flat] = await flatRegister(deps, { cooperativeId, flat: c.req.param("flat") });
    if (!flat) throw new HubError("not_found", "no application for this flat at any kiosk");
    return c.json(flat);
  });
  app.get("/deliveries", zValidator("query", HubPageQuery, invalid), async (c) => {
    const { cooperativeId } = c.get("principal");
    return c.json(await listCoopDeliveries(deps, { cooperativeId, ...c.req.valid("query") }));
  });
  app.get("/paper", zValidator("query", HubPaperQuery, invalid), async (c) => {
    const { cooperativeId } = c.get("principal");
    const date = c.req.valid("query").date ?? calendarDate(deps.clock.now(), deps.timezone);
    const items = await hubPaperList(deps, { cooperativeId, date });
    if ((c.req.header("accept") ?? "").includes("text/csv")) {
      return c.body(hubPaperCsv(items), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="paper-${date}.csv"`,
      });
    }
    return c.json({ date, count: items.length, items });
  });
  app.get("/kiosk-keys", async (c) => {
    const { cooperativeId } = c.get("principal");
    return c.json({ keys: await listKioskKeys(deps, { cooperativeId }) });
  });
  app.get("/kiosks", async (c) => {
    const { cooperativeId } = c.get("principal");
    return c.json({ kiosks: await listKiosks(deps, { cooperativeId }) });
  });
  return app;
}
