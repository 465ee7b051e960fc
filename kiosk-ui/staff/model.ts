/** The console's state: who is signed in and which tab is open. */
import { signal } from "@preact/signals";
import { api, csrfToken } from "./api.ts";

export type Tab = "register" | "paperForm" | "paper" | "failures" | "bounces" | "devices" | "stats";
export interface StaffUser {
  id: number;
  username: string;
  displayName: string;
}

export const user = signal<StaffUser | null>(null);
export const checked = signal(false);
export const tab = signal<Tab>("register");

export async function restoreSession(): Promise<void> {
  try {
    const me = await api<{ user: StaffUser; csrfToken: string }>("GET", "/me");
    user.value = me.user;
    csrfToken.value = me.csrfToken;
  } catch {
    user.value = null;
  } finally {
    checked.value = true;
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  const session = await api<{ user: StaffUser; csrfToken: string }>("POST", "/login", { username, password });
  csrfToken.value = session.csrfToken;
  user.value = session.user;
}

export async function signOut(): Promise<void> {
  await api("POST", "/logout").catch(() => undefined);
  user.value = null;
  csrfToken.value = null;
}
