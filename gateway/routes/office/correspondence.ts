import { Hono } from "hono";
import * as z from "zod";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { correspondenceAnswer } from "../../services/correspondenceAnswer.ts";
import { type CorrespondenceItem, routeCorrespondence } from "../../services/routeCorrespondence.ts";
import { validate } from "../validate.ts";

/** `POST /correspondence`: a batch; each item is checked on its own and answered on its own. */
export function correspondenceRoutes(ctx: GatewayContext) {
  const batch = z.object({
    items: z.array(z.record(z.string(), z.unknown())).min(1).max(ctx.config.office.maxBatchItems),
  });
  return new Hono<OfficeAuthEnv>()
    .post("/", validate("json", batch), (c) => {
      const items = c.req.valid("json").items as unknown as CorrespondenceItem[];
      const answer = routeCorrespondence(ctx, { items });
      ctx.outbox?.poke();
      return c.json(answer);
    })
    .get("/:id", (c) => c.json(correspondenceAnswer(ctx, c.req.param("id"))));
}
