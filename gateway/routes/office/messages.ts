import { Hono } from "hono";
import * as z from "zod";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { listIncomingSms, markIncomingSmsSeen } from "../../services/listIncomingSms.ts";
import { validate } from "../validate.ts";

const query = z.object({
  /** The `next_cursor` of the previous page. */
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  unseen: z.enum(["true", "false"]).default("false"),
  action: z.enum(["office", "withdrawn"]).optional(),
});

/**
 * `GET /messages`: SMS replies from residents. Those that were not a withdrawal (`action: office`)
 * are for staff to read; withdrawals by SMS are listed too, for the record.
 * `POST /messages/seen {ids}` marks them read so `unseen=true` shows only new ones.
 */
export function messagesRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>()
    .get("/", validate("query", query), (c) => {
      const q = c.req.valid("query");
      const messages = listIncomingSms(ctx, {
        after: q.after,
        limit: q.limit,
        unseenOnly: q.unseen === "true",
        action: q.action,
      });
      return c.json({ messages, next_cursor: messages.at(-1)?.cursor ?? q.after ?? null });
    })
    .post("/seen", validate("json", z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(1000) })), (c) =>
      c.json({ marked: markIncomingSmsSeen(ctx, c.req.valid("json").ids) }),
    );
}
