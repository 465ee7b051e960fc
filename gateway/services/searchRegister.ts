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
  const query = tokens(input.q ?? "");
  const rows: Array<RegisterRow & { rank: number }> = [];
  for (const f of deps.db
    .select({ code: flats.code, address: buildings.address, staircase: flats.staircase, number: flats.number })
    .from(flats)
    .innerJoin(buildings, eq(buildings.id, flats.buildingId))
    .all()) {
    const address = `${f.address} kl. ${f.staircase} m. ${f.number}`;
    const rank = query.length === 0 ? 2 : matchRank(query, f.code, address, keys.get(f.code) ?? "");
    if (rank < 0) continue;
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
      rank,
    });
  }
  // An exact flat code is the answer on its own: "KEL10-A-2" must not list KEL10-A-20.
  const exact = rows.filter((r) => r.rank === 0);
  const found = exact.length > 0 ? exact : rows;
  found.sort((a, b) => a.rank - b.rank || a.flat.localeCompare(b.flat, "pl", { numeric: true }));
  return found.slice(0, input.limit ?? 200).map(({ rank: _rank, ...row }) => row);
}

/** Lower case, diacritics folded (ł→l), split into words and numbers; "m." and "kl." lose the dot. */
function tokens(text: string): string[] {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[łŁ]/g, "l")
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter(Boolean);
}

/** A number matches only the same number (m. 3 is not m. 30); a word matches a word's start. */
function tokenMatches(query: string, word: string): boolean {
  return /^\d+$/.test(query) ? word === query : word.startsWith(query);
}

/**
 * -1: no match; 0: the exact flat code; 1: the address in the order typed ("Kościuszki 22 m. 3",
 * staircase optional); 2: every word found somewhere (code, address, owners' surnames).
 */
function matchRank(query: string[], code: string, address: string, surnames: string): number {
  if (query.length === 1 && query[0] === code.toLowerCase()) return 0;
  const words = [...tokens(code), ...tokens(address), ...tokens(surnames)];
  if (!query.every((q) => words.some((w) => tokenMatches(q, w)))) return -1;
  const addressWords = tokens(address);
  let at = 0;
  for (const q of query) {
    while (at < addressWords.length && !tokenMatches(q, addressWords[at])) at++;
    if (at === addressWords.length) return 2;
    at++;
  }
  return 1;
}
