import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { DecisionBody } from "../../office/contract/register.ts";
import { rejectEnrolment } from "../../services/rejectEnrolment.ts";
import { officeValidate } from "./validate.ts";

/** `POST /register/decisions`: the office rejects an enrolment within its grace period. */
export function decisionsRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>().post("/", officeValidate("json", DecisionBody), (c) => {
    const { flat, seq, reason } = c.req.valid("json");
    const result = rejectEnrolment(ctx, { flat, seq, reason });
    return c.json(result, result.repeated ? 200 : 201);
  });
}
