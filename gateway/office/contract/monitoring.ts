/** `GET /kiosk-keys` and `GET /health`. */
import * as z from "zod";
import { named, type OfficeOperation } from "./operation.ts";

export const KioskKeySet = named(
  "KioskKeySet",
  z.object({
    keys: z.array(
      z.object({
        kty: z.literal("OKP"),
        crv: z.literal("Ed25519"),
        x: z.string(),
        kid: z.string(),
        use: z.literal("sig"),
        alg: z.literal("EdDSA"),
        created_at: z.string(),
        retired_at: z.string().optional(),
      }),
    ),
  }),
);

const PartHealth = z.looseObject({ status: z.enum(["ok", "degraded", "down", "not_configured"]) });

export const Health = named(
  "Health",
  z.object({
    status: z.enum(["ok", "degraded", "down"]),
    parts: z.record(z.string(), PartHealth),
    kioskId: z.string(),
    time: z.string(),
    outbox: z.array(z.object({ status: z.string(), channel: z.string(), n: z.number().int() })),
  }),
);

export const monitoringOperations: OfficeOperation[] = [
  {
    method: "get",
    path: "/kiosk-keys",
    summary: "The kiosk's Ed25519 public keys (JWK set; also at /.well-known/kiosk-keys.json)",
    responses: { 200: { description: "The key set", json: KioskKeySet } },
  },
  {
    method: "get",
    path: "/health",
    summary: "Health summary for monitoring (the /healthz parts plus outbox counts)",
    responses: { 200: { description: "The summary", json: Health } },
  },
];
