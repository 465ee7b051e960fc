import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { correspondenceEnvelope, ItemParams } from "../../office/contract/correspondence.ts";
import { correspondenceAnswer } from "../../services/correspondenceAnswer.ts";
import { routeCorrespondence } from "../../services/routeCorrespondence.ts";
import { officeValidate } from "./validate.ts";

/** `POST /correspondence`: a batch; each item is checked on its own and answered on its own. */
export function correspondenceRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>()
    .post("/", officeValidate("json", correspondenceEnvelope(ctx.config)), (c) => {
      const answer = routeCorrespondence(ctx, { items: c.req.valid("json").items });
      ctx.outbox.poke();
      return c.json(answer);
    })
    .get("/:id", officeValidate("param", ItemParams), (c) =>
      c.json(correspondenceAnswer(ctx, c.req.valid("param").id)),
    );
}
