/** `PUT /owners`: the office's owners register, row by row. */
import * as z from "zod";
import { errorResponse } from "./errors.ts";
import { named, type OfficeOperation } from "./operation.ts";

export const BuildingRow = named(
  "Building",
  z.object({
    id: z.string().min(1).max(40),
    address: z.string().min(3).max(200),
    city: z.string().min(2).max(80),
  }),
);
export const FlatRow = named(
  "Flat",
  z.object({
    code: z.string().regex(/^[A-Za-z0-9-]{2,40}$/, "letters, digits and '-'"),
    buildingId: z.string().min(1),
    staircase: z.string().min(1).max(10),
    number: z.string().min(1).max(10),
    verificationCode: z
      .string()
      .regex(/^\d{4,12}$/, "4-12 digits")
      .optional(),
  }),
);
export const OwnerRow = named(
  "Owner",
  z.object({
    id: z.string().min(1).max(40),
    firstName: z.string().min(1).max(80),
    surname: z.string().min(1).max(120),
  }),
);
export const ShareRow = named(
  "Share",
  z.object({
    flatCode: z.string().min(1),
    ownerId: z.string().min(1),
    role: z.enum(["owner", "co_owner"]),
  }),
);

const LIMITS = { buildings: 1000, flats: 100_000, owners: 200_000, shares: 400_000 } as const;

/** What the route checks: the four lists; each row is then checked on its own (a bad row is reported, not fatal). */
export const OwnersUpload = z.object({
  buildings: z.array(z.unknown()).max(LIMITS.buildings),
  flats: z.array(z.unknown()).max(LIMITS.flats),
  owners: z.array(z.unknown()).max(LIMITS.owners),
  shares: z.array(z.unknown()).max(LIMITS.shares),
});

/** What the office sends, as documented. */
export const OwnersRegister = named(
  "OwnersRegister",
  z.object({
    buildings: z.array(BuildingRow).max(LIMITS.buildings),
    flats: z.array(FlatRow).max(LIMITS.flats),
    owners: z.array(OwnerRow).max(LIMITS.owners),
    shares: z.array(ShareRow).max(LIMITS.shares),
  }),
);
export type OwnersRegister = z.infer<typeof OwnersRegister>;

const section = z.enum(["buildings", "flats", "owners", "shares"]);

export const OwnersImportResult = named(
  "OwnersImportResult",
  z.object({
    accepted: z.object({
      buildings: z.number().int(),
      flats: z.number().int(),
      owners: z.number().int(),
      shares: z.number().int(),
    }),
    rejected: z.array(z.object({ section, index: z.number().int(), reason: z.string() })),
    deactivated: z.object({ owners: z.number().int(), shares: z.number().int() }),
  }),
);

export const ownersOperations: OfficeOperation[] = [
  {
    method: "put",
    path: "/owners",
    summary: "Replace the owners register (idempotent)",
    description:
      "Owners and shares missing from the upload lose eligibility; their register events stay. Each row is validated on its own; rejected rows are listed with the reason.",
    body: OwnersRegister,
    responses: { 200: { description: "Imported", json: OwnersImportResult }, 400: errorResponse(400) },
  },
];
