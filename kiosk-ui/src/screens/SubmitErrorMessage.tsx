/** Why confirming did not work, in words (a lapsed session is told by the app's own screen). */
import { ValidationMessage } from "../components/ValidationMessage.tsx";
import { type MessageKey, t } from "../i18n/index.ts";
import { type SubmitError, submitError } from "../models/submit.ts";

const KEYS: Record<SubmitError, MessageKey> = {
  session: "error.session",
  notEligible: "error.notEligible",
  contactInvalid: "error.contactInvalid",
  notEnrolled: "withdraw.nothing",
  generic: "error.generic",
};

export function SubmitErrorMessage() {
  const error = submitError.value;
  // Last on its screen: appearing moves nothing, so it reserves no room.
  return <ValidationMessage lines={0} tone={error ? "error" : null} text={error ? t(KEYS[error]) : ""} />;
}
