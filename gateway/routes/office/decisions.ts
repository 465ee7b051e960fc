import { Hono } from "hono";
import * as z from "zod";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { rejectEnrolment } from "../../services/rejectEnrolment.ts";
import { validate } from "../validate.ts";

const decisionBody = z.object({
  flat: z.string().min(1).max(40),
  seq: z.number().int().min(1),
  decision: z.literal("reject"),
  reason: z.string().trim().min(3).max(500),
});

/** `POST /register/decisions`: the office rejects an enrolment within its grace period. */
export function decisionsRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>().post("/", validate("json", decisionBody), (c) => {
    const { flat, seq, reason } = c.req.valid("json");
    const result = rejectEnrolment(ctx, { flat, seq, reason });
    return c.json(result, result.repeated ? 200 : 201);
  });
}
