/**
 * Wipe: after idle time-out or when the resident finishes, nothing personal stays in signals,
 * storage or history, and the gateway session is ended.
 */
import { kioskApi } from "../api/client.ts";
import { lang } from "../i18n/index.ts";
import { resetConsent } from "./consent.ts";
import { resetContacts } from "./contacts.ts";
import { resetFlow } from "./flow.ts";
import { resetIdentify } from "./identify.ts";
import { resetNetwork } from "./network.ts";
import { identified, resetSession } from "./session.ts";
import { resetSessionCheck } from "./sessionCheck.ts";
import { resetSubmit } from "./submit.ts";
import { resetVerify } from "./verify.ts";

export function wipe(): void {
  const session = identified.value?.session;
  if (session) void kioskApi.endSession(session).catch(() => undefined);
  resetIdentify();
  resetSession();
  resetSessionCheck();
  resetContacts();
  resetConsent();
  resetVerify();
  resetSubmit();
  resetNetwork();
  resetFlow();
  lang.value = "pl";
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // storage may be disabled; nothing of ours is in it anyway
  }
  history.replaceState(null, "", "/");
}
