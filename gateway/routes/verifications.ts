/**
 * One-time codes: `POST /verifications` sends one (only within an identified kiosk session),
 * `POST /verifications/:id/confirm` checks it.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { GatewayContext } from "../context.ts";
import { confirmVerification } from "../services/confirmVerification.ts";
import { requestVerification } from "../services/requestVerification.ts";
import { validate } from "./validate.ts";

const requestBody = z.object({
  session: z.string().min(16).max(100),
  channel: z.enum(["sms", "email"]),
  to: z.string().trim().min(1).max(320),
  language: z.enum(["pl", "en", "uk"]).default("pl"),
});
const confirmBody = z.object({ code: z.string().trim().min(1).max(12) });
const idParam = z.object({ id: z.string().min(1).max(64) });

export function verificationsRoutes(ctx: GatewayContext) {
  return new Hono()
    .post("/", validate("json", requestBody), (c) => {
      const { session, ...body } = c.req.valid("json");
      const s = ctx.kioskSessions.require(session);
      const issued = requestVerification(
        { ...ctx, poke: () => ctx.outbox.poke() },
        { ...body, session: { key: s.key, flatCode: s.flatCode } },
      );
      return c.json(issued, 201);
    })
    .post("/:id/confirm", validate("param", idParam), validate("json", confirmBody), (c) => {
      const confirmed = confirmVerification(ctx, { id: c.req.valid("param").id, code: c.req.valid("json").code });
      return c.json(confirmed, 200);
    });
}
