/** What the kiosk loads from the gateway at start: configuration and the building directory. */
import { signal } from "@preact/signals";
import { kioskApi } from "../api/client.ts";
import type { Directory, KioskConfig } from "../api/types.ts";
import { guarded } from "./network.ts";

export const config = signal<KioskConfig | null>(null);
export const directory = signal<Directory | null>(null);

export async function loadKiosk(): Promise<void> {
  await guarded(async () => {
    const [c, d] = await Promise.all([kioskApi.config(), kioskApi.directory()]);
    config.value = c;
    directory.value = d;
  });
}

/** Idle thresholds from config, with the defaults until it has loaded. */
export const warnSeconds = () => config.value?.idle.warnSeconds ?? 45;
export const wipeSeconds = () => config.value?.idle.wipeSeconds ?? 60;
