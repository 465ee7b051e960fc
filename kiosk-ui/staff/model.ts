/** The console's state: who is signed in and which tab is open. */
import { signal } from "@preact/signals";
import { type Answer, call, csrfToken, staffApi } from "./api.ts";

export type Tab = "register" | "paperForm" | "paper" | "failures" | "bounces" | "devices" | "stats";
export type StaffUser = Answer<typeof staffApi.login.$post>["user"];

export const user = signal<StaffUser | null>(null);
export const checked = signal(false);
export const tab = signal<Tab>("register");

export async function restoreSession(): Promise<void> {
  try {
    const me = await call(staffApi.me.$get);
    user.value = me.user;
    csrfToken.value = me.csrfToken;
  } catch {
    user.value = null;
  } finally {
    checked.value = true;
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  const session = await call(staffApi.login.$post, { json: { username, password } });
  csrfToken.value = session.csrfToken;
  user.value = session.user;
}

export async function signOut(): Promise<void> {
  await call(staffApi.logout.$post).catch(() => undefined);
  user.value = null;
  csrfToken.value = null;
}
