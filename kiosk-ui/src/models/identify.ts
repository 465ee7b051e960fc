/** The Identify step: building → staircase → flat from buttons, surname, owner code. */
import { computed, signal } from "@preact/signals";
import { kioskApi } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { go, mode } from "./flow.ts";
import { directory } from "./kiosk.ts";
import { guarded } from "./network.ts";
import { idempotencyKey, identified, newKey } from "./session.ts";

export const buildingId = signal<string | null>(null);
export const staircaseName = signal<string | null>(null);
export const flatCode = signal<string | null>(null);
export const surname = signal("");
export const ownerCode = signal("");
export const busy = signal(false);
export type IdentifyError = { kind: "failed"; attemptsLeft?: number } | { kind: "cooldown"; minutes: number };
export const identifyError = signal<IdentifyError | null>(null);

export const building = computed(() => directory.value?.buildings.find((b) => b.id === buildingId.value) ?? null);
export const staircase = computed(() => building.value?.staircases.find((s) => s.name === staircaseName.value) ?? null);
export const flat = computed(() => staircase.value?.flats.find((f) => f.code === flatCode.value) ?? null);

export function chooseBuilding(id: string): void {
  buildingId.value = id;
  staircaseName.value = null;
  flatCode.value = null;
  const only = building.value?.staircases;
  if (only && only.length === 1) {
    staircaseName.value = only[0].name;
    go("flat");
  } else go("staircase");
}

export function chooseStaircase(name: string): void {
  staircaseName.value = name;
  flatCode.value = null;
  go("flat");
}

export function chooseFlat(code: string): void {
  flatCode.value = code;
  identifyError.value = null;
  go("surname");
}

const NEXT_AFTER_IDENTIFY = { enrol: "channels", update: "channels", withdraw: "withdraw", status: "status" } as const;

export async function submitIdentify(): Promise<void> {
  if (busy.value || !flatCode.value) return;
  busy.value = true;
  identifyError.value = null;
  try {
    await guarded(async () => {
      try {
        const result = await kioskApi.identify({
          flatCode: flatCode.value!,
          surname: surname.value.trim(),
          ownerCode: ownerCode.value,
        });
        identified.value = result;
        idempotencyKey.value = newKey();
        ownerCode.value = "";
        go(NEXT_AFTER_IDENTIFY[mode.value]);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        ownerCode.value = "";
        if (err.code === "IDENTIFY_COOLDOWN") {
          const seconds = Number(err.details.retryAfterSeconds ?? 900);
          identifyError.value = { kind: "cooldown", minutes: Math.max(1, Math.ceil(seconds / 60)) };
        } else {
          const left = err.details.attemptsLeft;
          identifyError.value = { kind: "failed", attemptsLeft: typeof left === "number" ? left : undefined };
        }
      }
    });
  } finally {
    busy.value = false;
  }
}

export function resetIdentify(): void {
  buildingId.value = null;
  staircaseName.value = null;
  flatCode.value = null;
  surname.value = "";
  ownerCode.value = "";
  busy.value = false;
  identifyError.value = null;
}
