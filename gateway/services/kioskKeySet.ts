/** The kiosk's public signing keys as a JWK set (what the office needs to verify slips). */
import { asc } from "drizzle-orm";
import { kioskKeys } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";

export function kioskKeySet(deps: Pick<CoreDeps, "db">): { keys: Array<Record<string, unknown>> } {
  return {
    keys: deps.db
      .select()
      .from(kioskKeys)
      .orderBy(asc(kioskKeys.kid))
      .all()
      .map((k) => ({
        ...JSON.parse(k.publicJwk),
        kid: k.kid,
        use: "sig",
        created_at: k.createdAt,
        ...(k.retiredAt ? { retired_at: k.retiredAt } : {}),
      })),
  };
}
