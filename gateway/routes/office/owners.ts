import { Hono } from "hono";
import type { GatewayContext } from "../../context.ts";
import type { OfficeAuthEnv } from "../../office/auth.ts";
import { OwnersUpload } from "../../office/contract/owners.ts";
import { importOwners } from "../../services/importOwners.ts";
import { officeValidate } from "./validate.ts";

/** `PUT /owners`: the office's whole owners register; rows are validated one by one. */
export function ownersRoutes(ctx: GatewayContext) {
  return new Hono<OfficeAuthEnv>().put("/", officeValidate("json", OwnersUpload), (c) => {
    const result = importOwners(ctx, c.req.valid("json"));
    return c.json({
      accepted: result.accepted,
      rejected: result.rejected,
      deactivated: { owners: result.deactivatedOwners, shares: result.deactivatedShares },
    });
  });
}
