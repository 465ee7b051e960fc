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
    .post("/:number/reprint", validate("param", numberParam), async (c) => {
      const outcome = await service(ctx).reprint(c.req.valid("param").number);
      return c.json(outcome);
    })
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
