/** The staff console's register search: by flat code, address or owner surname (diacritics folded). */
import { eq } from "drizzle-orm";
import { buildings, flats, owners, ownershipShares } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { maskEmail, maskMobile } from "../domain/contacts.ts";
import { surnameKey } from "../domain/eligibility.ts";
import type { ConsentRegister } from "./register.ts";

export interface RegisterRow {
  flat: string;
  address: string;
  owners: string[];
  status: "none" | "active" | "withdrawn" | "rejected";
  email: string | null;
  mobile: string | null;
  channels: Array<"email" | "sms">;
  electronicFrom: string | null;
  lastEventSeq: number;
}

export function searchRegister(
  deps: Pick<CoreDeps, "db"> & { register: ConsentRegister },
  input: { q?: string; limit?: number; reveal?: boolean },
): RegisterRow[] {
  const states = deps.register.allStates();
  const names = new Map<string, string[]>();
  const keys = new Map<string, string>();
  for (const s of deps.db
    .select({
      flat: ownershipShares.flatCode,
      first: owners.firstName,
      surname: owners.surname,
      active: ownershipShares.active,
    })
    .from(ownershipShares)
    .innerJoin(owners, eq(owners.id, ownershipShares.ownerId))
    .all()) {
    if (!s.active) continue;
    names.set(s.flat, [...(names.get(s.flat) ?? []), `${s.first} ${s.surname}`]);
    keys.set(s.flat, `${keys.get(s.flat) ?? ""} ${surnameKey(s.surname)}`);
  }
  const query = surnameKey(input.q ?? "");
  const rows: RegisterRow[] = [];
  for (const f of deps.db
    .select({ code: flats.code, address: buildings.address, staircase: flats.staircase, number: flats.number })
    .from(flats)
    .innerJoin(buildings, eq(buildings.id, flats.buildingId))
    .all()) {
    const address = `${f.address} kl. ${f.staircase} m. ${f.number}`;
    const haystack = `${f.code.toLowerCase()} ${surnameKey(address)} ${keys.get(f.code) ?? ""}`;
    if (query && !haystack.includes(query)) continue;
    const s = states.get(f.code);
    const channels = (["email", "sms"] as const).filter((c) => s?.channels[c].consented);
    const from =
      channels
        .map((c) => s?.channels[c].paperUntil)
        .filter((d): d is string => Boolean(d))
        .sort()[0] ?? null;
    rows.push({
      flat: f.code,
      address,
      owners: names.get(f.code) ?? [],
      status: s?.status ?? "none",
      email: s?.email ? (input.reveal ? s.email : maskEmail(s.email)) : null,
      mobile: s?.mobile ? (input.reveal ? s.mobile : maskMobile(s.mobile)) : null,
      channels,
      electronicFrom: from,
      lastEventSeq: s?.lastEventSeq ?? 0,
    });
  }
  rows.sort((a, b) => a.flat.localeCompare(b.flat, "pl", { numeric: true }));
  return rows.slice(0, input.limit ?? 200);
}
