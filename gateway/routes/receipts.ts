import { Hono } from "hono";
import * as z from "zod";
import type { GatewayContext } from "../context.ts";
import { KioskError } from "../errors.ts";
import { kioskKeySet } from "../receipts/kioskKey.ts";
import { KioskReceipts } from "../receipts/receiptService.ts";
import { verifyWithDb } from "../receipts/verifyReceipt.ts";
import { validate } from "./validate.ts";

const numberParam = z.object({ number: z.string().regex(/^[A-Z0-9-]{2,16}-\d{6,}$/, "expected a receipt number") });

function service(ctx: GatewayContext): KioskReceipts {
  if (!(ctx.receipts instanceof KioskReceipts)) throw new KioskError("UNAVAILABLE", "receipts are not configured");
  return ctx.receipts;
}

/** Slip verification, reprint ("DUPLIKAT") and the print status the kiosk polls. */
export function receiptsRoutes(ctx: GatewayContext) {
  return new Hono()
    .post("/verify", validate("json", z.object({ qr: z.string().min(1).max(4000) })), (c) => {
      const verdict = verifyWithDb(ctx.db, c.req.valid("json").qr);
      return c.json(
        verdict.valid
          ? {
              valid: true as const,
              receipt: verdict.receipt,
              kid: verdict.kid,
              issuedHere: verdict.issuedHere ?? false,
            }
          : { valid: false as const, reason: verdict.reason },
      );
    })
    .post(
      "/:number/reprint",
      validate("param", numberParam),
      validate("json", z.object({ session: z.string().min(16).max(100) })),
      async (c) => {
        // Only the resident identified for the slip's flat may print a copy: receipt numbers are
        // sequential, and a slip names a person.
        const session = ctx.kioskSessions.require(c.req.valid("json").session);
        const number = c.req.valid("param").number;
        const found = service(ctx).find(number);
        if (!found) throw new KioskError("NOT_FOUND", `no receipt ${number}`);
        if (found.receipt.f !== session.flatCode) {
          throw new KioskError("NOT_ELIGIBLE", "this slip belongs to another flat");
        }
        return c.json(await service(ctx).reprint(number));
      },
    )
    .get("/:number/status", validate("param", numberParam), (c) => {
      return c.json(service(ctx).printStatus(c.req.valid("param").number));
    });
}

/** The kiosk's public signing keys as a JWK set (the office fetches it through the sync). */
export function kioskKeysRoutes(ctx: GatewayContext) {
  return new Hono().get("/.well-known/kiosk-keys.json", (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.json(kioskKeySet(ctx.db));
  });
}
