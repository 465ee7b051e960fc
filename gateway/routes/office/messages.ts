import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { MessagesQuery, SeenBody } from "../../office/contract/messages.ts";
import { listIncomingSms, markIncomingSmsSeen } from "../../services/listIncomingSms.ts";
import { officeValidate } from "./validate.ts";

/**
 * `GET /messages`: SMS replies from residents. Those that were not a withdrawal (`action: office`)
 * are for staff to read; withdrawals by SMS are listed too, for the record.
 * `POST /messages/seen {ids}` marks them read so `unseen=true` shows only new ones.
 */
export function messagesRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>()
    .get("/", officeValidate("query", MessagesQuery), (c) => {
      const q = c.req.valid("query");
      const messages = listIncomingSms(ctx, {
        after: q.after,
        limit: q.limit,
        unseenOnly: q.unseen === "true",
        action: q.action,
      });
      return c.json({ messages, next_cursor: messages.at(-1)?.cursor ?? q.after ?? null });
    })
    .post("/seen", officeValidate("json", SeenBody), (c) =>
      c.json({ marked: markIncomingSmsSeen(ctx, c.req.valid("json").ids) }),
    );
}
