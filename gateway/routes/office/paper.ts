import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import { calendarDate } from "../../domain/paperForm.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { PaperQuery } from "../../office/contract/paper.ts";
import { paperCsv, paperList } from "../../services/paperList.ts";
import { officeValidate } from "./validate.ts";

/** Today at the cooperative (YYYY-MM-DD): the default day of the paper list. */
export const localDate = calendarDate;

/** `GET /paper?date=`: what goes by post that day (JSON, or CSV with `Accept: text/csv`). */
export function paperRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>().get("/", officeValidate("query", PaperQuery), (c) => {
    const date = c.req.valid("query").date ?? localDate(ctx.clock.now(), ctx.config.timezone);
    const items = paperList(ctx, { date });
    if ((c.req.header("accept") ?? "").includes("text/csv")) {
      return c.body(paperCsv(items), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="paper-${date}.csv"`,
      });
    }
    return c.json({ date, count: items.length, items });
  });
}
