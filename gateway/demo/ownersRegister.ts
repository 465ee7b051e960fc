/**
 * A deterministic Polish owners register for the demo: 3 buildings, 120 flats, some flats with
 * co-owners, some owners with two flats. Each flat's verification code (the "last 6 digits of
 * the flat's bank account") is derived from its position so the README can document it.
 */
import type { OwnersRegister } from "../services/importOwners.ts";

const FIRST = [
  "Anna",
  "Jan",
  "Maria",
  "Piotr",
  "Katarzyna",
  "Krzysztof",
  "Małgorzata",
  "Andrzej",
  "Agnieszka",
  "Tomasz",
  "Barbara",
  "Paweł",
  "Ewa",
  "Michał",
  "Zofia",
  "Łukasz",
  "Jadwiga",
  "Grzegorz",
  "Elżbieta",
  "Józef",
];
const SURNAMES: Array<[string, string]> = [
  ["Kowalski", "Kowalska"],
  ["Nowak", "Nowak"],
  ["Wiśniewski", "Wiśniewska"],
  ["Wójcik", "Wójcik"],
  ["Kamiński", "Kamińska"],
  ["Lewandowski", "Lewandowska"],
  ["Zieliński", "Zielińska"],
  ["Szymański", "Szymańska"],
  ["Woźniak", "Woźniak"],
  ["Dąbrowski", "Dąbrowska"],
  ["Kozłowski", "Kozłowska"],
  ["Jankowski", "Jankowska"],
  ["Mazur", "Mazur"],
  ["Kwiatkowski", "Kwiatkowska"],
  ["Krawczyk", "Krawczyk"],
  ["Piotrowski", "Piotrowska"],
  ["Grabowski", "Grabowska"],
  ["Nowakowski", "Nowakowska"],
  ["Pawłowski", "Pawłowska"],
  ["Michalski", "Michalska"],
  ["Król", "Król"],
  ["Wieczorek", "Wieczorek"],
  ["Jabłoński", "Jabłońska"],
  ["Wróbel", "Wróbel"],
];
const FEMALE = new Set([
  "Anna",
  "Maria",
  "Katarzyna",
  "Małgorzata",
  "Agnieszka",
  "Barbara",
  "Ewa",
  "Zofia",
  "Jadwiga",
  "Elżbieta",
]);

export const DEMO_BUILDINGS = [
  { id: "KEL10", address: "ul. Kelecka 10", city: "Radom", staircases: ["A", "B"], flatsPerStaircase: 20 },
  { id: "STR5", address: "ul. Struga 5", city: "Radom", staircases: ["A", "B", "C"], flatsPerStaircase: 10 },
  { id: "KOS22", address: "ul. Kościuszki 22", city: "Radom", staircases: ["A", "B"], flatsPerStaircase: 25 },
];

/** The demo flat's verification code: 6 digits, stable across runs. */
export function demoVerificationCode(flatIndex: number): string {
  return String(100000 + ((flatIndex * 7919 + 4242) % 900000)).padStart(6, "0");
}

export function demoOwnersRegister(): OwnersRegister & {
  codes: Array<{ flatCode: string; label: string; surnames: string[]; code: string }>;
} {
  const register: OwnersRegister = { buildings: [], flats: [], owners: [], shares: [] };
  const codes: Array<{ flatCode: string; label: string; surnames: string[]; code: string }> = [];
  let flatIndex = 0;
  let ownerIndex = 0;
  const newOwner = (): { id: string; surname: string } => {
    const first = FIRST[ownerIndex % FIRST.length];
    const pair = SURNAMES[(ownerIndex * 7) % SURNAMES.length];
    const surname = FEMALE.has(first) ? pair[1] : pair[0];
    const id = `O${String(ownerIndex + 1).padStart(4, "0")}`;
    register.owners.push({ id, firstName: first, surname });
    ownerIndex++;
    return { id, surname };
  };
  let previousOwner: { id: string; surname: string } | null = null;
  for (const b of DEMO_BUILDINGS) {
    register.buildings.push({ id: b.id, address: b.address, city: b.city });
    for (const staircase of b.staircases) {
      for (let n = 1; n <= b.flatsPerStaircase; n++) {
        flatIndex++;
        const code = `${b.id}-${staircase}-${n}`;
        const verificationCode = demoVerificationCode(flatIndex);
        register.flats.push({ code, buildingId: b.id, staircase, number: String(n), verificationCode });
        const surnames: string[] = [];
        // Every 11th flat belongs (also) to the previous flat's owner: owners with two flats.
        const main: { id: string; surname: string } =
          flatIndex % 11 === 0 && previousOwner ? previousOwner : newOwner();
        register.shares.push({ flatCode: code, ownerId: main.id, role: "owner" });
        surnames.push(main.surname);
        // Every 4th flat has a co-owner.
        if (flatIndex % 4 === 0) {
          const co = newOwner();
          register.shares[register.shares.length - 1].role = "co_owner";
          register.shares.push({ flatCode: code, ownerId: co.id, role: "co_owner" });
          surnames.push(co.surname);
        }
        previousOwner = main;
        codes.push({
          flatCode: code,
          label: `${b.address} kl. ${staircase} m. ${n}`,
          surnames,
          code: verificationCode,
        });
      }
    }
  }
  return { ...register, codes };
}
