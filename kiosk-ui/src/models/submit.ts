/** Confirming: the enrolment or withdrawal call (one idempotency key per session), then the receipt's print status. */
import { signal } from "@preact/signals";
import { kioskApi } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import type { Channel, PrintStatus, Receipt } from "../api/types.ts";
import { lang } from "../i18n/index.ts";
import { emailConsent, smsConsent } from "./consent.ts";
import { channels, emailNormalized, kept, mobileNormalized } from "./contacts.ts";
import { go, replace } from "./flow.ts";
import { config } from "./kiosk.ts";
import { guarded } from "./network.ts";
import { idempotencyKey, identified, setStatus } from "./session.ts";
import { markSessionLapsed } from "./sessionCheck.ts";
import { unverified, verifications, verifyAgain } from "./verify.ts";

export type Outcome = {
  kind: "enrolled" | "contacts_updated" | "recipient_replaced" | "withdrawn";
  receipt: Receipt;
  electronicFrom: string | null;
};
export type SubmitError = "session" | "notEligible" | "contactInvalid" | "notEnrolled" | "generic";

export const outcome = signal<Outcome | null>(null);
export const submitting = signal(false);
export const submitError = signal<SubmitError | null>(null);
export const printStatus = signal<PrintStatus["status"]>("pending");
export const withdrawChoice = signal<Channel | "all" | null>(null);

function errorFor(err: ApiError): SubmitError {
  switch (err.code) {
    case "UNAUTHORIZED":
      return "session";
    case "NOT_ELIGIBLE":
      return "notEligible";
    case "CONTACT_INVALID":
      return "contactInvalid";
    case "NOT_ENROLLED":
      return "notEnrolled";
    default:
      return "generic";
  }
}

async function run(call: () => Promise<void>): Promise<void> {
  // A second tap while the first is in flight does nothing; a retry reuses the same key.
  if (submitting.value || outcome.value) return;
  submitting.value = true;
  submitError.value = null;
  try {
    await guarded(async () => {
      try {
        await call();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.code === "CONTACT_UNVERIFIED") {
          verifyAgain();
          return;
        }
        const error = errorFor(err);
        // A lapsed session ends the flow: the whole screen says so, with one way on.
        if (error === "session") markSessionLapsed();
        else submitError.value = error;
      }
    });
  } finally {
    submitting.value = false;
  }
}

export function submitEnrolment(): Promise<void> {
  return run(async () => {
    const session = identified.value?.session;
    if (!session) throw new ApiError("UNAUTHORIZED", 401);
    const chosen = channels.value;
    const typed = chosen.filter((c) => !kept.value.includes(c));
    const result = await kioskApi.enrol({
      session,
      idempotencyKey: idempotencyKey.value,
      ...(typed.includes("email") ? { email: emailNormalized.value } : {}),
      ...(typed.includes("sms") ? { mobile: mobileNormalized.value } : {}),
      ...(kept.value.length ? { keep: kept.value } : {}),
      channels: chosen,
      consents: { processing: true, email: emailConsent.value, sms: smsConsent.value },
      consentVersion: config.value?.consent.version ?? "",
      verifications: verifications.value,
      ...(unverified.value.length ? { unverified: unverified.value } : {}),
      language: lang.value,
    });
    outcome.value = { kind: result.kind, receipt: result.receipt, electronicFrom: result.electronicFrom };
    setStatus(result.status);
    replace("done");
  });
}

export function submitWithdrawal(): Promise<void> {
  return run(async () => {
    const session = identified.value?.session;
    if (!session) throw new ApiError("UNAUTHORIZED", 401);
    const choice = withdrawChoice.value;
    if (!choice) return;
    const result = await kioskApi.withdraw({
      session,
      idempotencyKey: idempotencyKey.value,
      channels: choice === "all" ? "all" : [choice],
      language: lang.value,
    });
    outcome.value = { kind: "withdrawn", receipt: result.receipt, electronicFrom: null };
    setStatus(result.status);
    replace("done");
  });
}

export function chooseWithdrawal(choice: Channel | "all"): void {
  withdrawChoice.value = choice;
  submitError.value = null;
  go("withdrawConfirm");
}

/** Asks for the receipt's print status until it is printed or failed (or the screen leaves). */
export async function pollPrintStatus(isActive: () => boolean, intervalMs = 800, maxMs = 30_000): Promise<void> {
  const number = outcome.value?.receipt.number;
  if (!number) {
    printStatus.value = "failed";
    return;
  }
  const until = Date.now() + maxMs;
  printStatus.value = "pending";
  while (isActive() && Date.now() < until) {
    try {
      const answer = await kioskApi.receiptStatus(number);
      if (!isActive()) return;
      printStatus.value = answer.status;
      if (answer.status !== "pending") return;
    } catch {
      // keep asking; the QR is shown if printing never confirms
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  if (isActive() && printStatus.value === "pending") printStatus.value = "failed";
}

export function resetSubmit(): void {
  outcome.value = null;
  submitting.value = false;
  submitError.value = null;
  printStatus.value = "pending";
  withdrawChoice.value = null;
}
