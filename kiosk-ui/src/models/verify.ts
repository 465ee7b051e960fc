/**
 * The Verify step: a one-time code to each new contact, typed on the keypad. A contact the
 * resident cannot check now is marked unverified (the office confirms it by post).
 */
import { computed, signal } from "@preact/signals";
import { kioskApi } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import type { Channel } from "../api/types.ts";
import { channels, emailNormalized, kept, keptUnverified, mobileNormalized } from "./contacts.ts";
import { go, replace } from "./flow.ts";
import { guarded } from "./network.ts";
import { identified } from "./session.ts";

export type VerifyError =
  | { kind: "wrong"; attemptsLeft: number }
  | { kind: "expired" | "used" | "tooMany" | "generic" }
  | { kind: "rateLimited"; seconds: number };

export interface VerifyItem {
  channel: Channel;
  to: string;
  id: string | null;
  state: "sending" | "waiting" | "verified" | "unverified";
  /** Epoch ms from which "send again" is allowed. */
  resendAt: number;
}

export const items = signal<VerifyItem[]>([]);
export const current = signal(0);
export const code = signal("");
export const verifyError = signal<VerifyError | null>(null);
export const verifyBusy = signal(false);
export const CODE_LENGTH = 6;

export const currentItem = computed(() => items.value[current.value] ?? null);
export const verifications = computed(() => {
  const out: { email?: string; sms?: string } = {};
  for (const item of items.value) if (item.state === "verified" && item.id) out[item.channel] = item.id;
  return out;
});
export const unverified = computed(() => [
  ...items.value.filter((i) => i.state === "unverified").map((i) => i.channel),
  ...keptUnverified.value,
]);

function patch(index: number, change: Partial<VerifyItem>): void {
  items.value = items.value.map((item, i) => (i === index ? { ...item, ...change } : item));
}

/**
 * Builds the list from the chosen contacts that changed (a kept one needs no code), keeping codes
 * already confirmed for unchanged ones.
 */
export function startVerify(): void {
  const wanted = channels.value
    .filter((channel) => !kept.value.includes(channel))
    .map((channel) => ({
      channel,
      to: channel === "email" ? emailNormalized.value : mobileNormalized.value,
    }));
  const previous = items.value;
  items.value = wanted.map(
    (w) =>
      previous.find(
        (p) => p.channel === w.channel && p.to === w.to && (p.state === "verified" || p.state === "unverified"),
      ) ?? {
        ...w,
        id: null,
        state: "sending",
        resendAt: 0,
      },
  );
  current.value = 0;
  code.value = "";
  verifyError.value = null;
  go("verify");
  void advance();
}

/** Moves to the first contact still to check (sending its code), or on to the summary. */
async function advance(): Promise<void> {
  const next = items.value.findIndex((i) => i.state === "sending" || i.state === "waiting");
  if (next < 0) {
    replace("summary", true);
    return;
  }
  current.value = next;
  code.value = "";
  if (items.value[next].id === null) await send();
}

export async function send(): Promise<void> {
  const index = current.value;
  const item = items.value[index];
  if (!item || verifyBusy.value) return;
  verifyBusy.value = true;
  verifyError.value = null;
  patch(index, { state: "sending" });
  try {
    await guarded(async () => {
      try {
        const session = identified.value?.session;
        if (!session) throw new ApiError("UNAUTHORIZED", 401);
        const started = await kioskApi.startVerification({ session, channel: item.channel, to: item.to });
        // The resident may have chosen "I can't receive it now" while the code was on its way.
        if (items.value[index]?.state !== "sending") return;
        patch(index, { id: started.id, state: "waiting", resendAt: Date.now() + started.resendAfterSeconds * 1000 });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (items.value[index]?.state !== "sending") return;
        if (err.code === "RATE_LIMITED") {
          const seconds = Number(err.details.retryAfterSeconds ?? 60);
          patch(index, { state: "waiting", resendAt: Date.now() + seconds * 1000 });
          verifyError.value = { kind: "rateLimited", seconds };
        } else {
          patch(index, { state: "waiting" });
          verifyError.value = { kind: "generic" };
        }
      }
    });
  } finally {
    verifyBusy.value = false;
  }
}

export async function confirm(): Promise<void> {
  const index = current.value;
  const item = items.value[index];
  if (!item?.id || verifyBusy.value || code.value.length !== CODE_LENGTH) return;
  verifyBusy.value = true;
  verifyError.value = null;
  try {
    await guarded(async () => {
      try {
        await kioskApi.confirmVerification(item.id!, code.value);
        patch(index, { state: "verified" });
        verifyBusy.value = false;
        await advance();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        code.value = "";
        verifyError.value =
          err.code === "CODE_WRONG"
            ? { kind: "wrong", attemptsLeft: Number(err.details.attemptsLeft ?? 0) }
            : err.code === "CODE_EXPIRED"
              ? { kind: "expired" }
              : err.code === "CODE_USED"
                ? { kind: "used" }
                : err.code === "TOO_MANY_ATTEMPTS"
                  ? { kind: "tooMany" }
                  : err.code === "RATE_LIMITED"
                    ? { kind: "rateLimited", seconds: Number(err.details.retryAfterSeconds ?? 60) }
                    : { kind: "generic" };
      }
    });
  } finally {
    verifyBusy.value = false;
  }
}

export function cannotReceive(): void {
  patch(current.value, { state: "unverified" });
  verifyError.value = null;
  void advance();
}

/** After the gateway said a contact is not confirmed: check every contact again. */
export function verifyAgain(): void {
  items.value = [];
  startVerify();
}

export function resetVerify(): void {
  items.value = [];
  current.value = 0;
  code.value = "";
  verifyError.value = null;
  verifyBusy.value = false;
}
