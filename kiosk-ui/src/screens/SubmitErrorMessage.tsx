/** Why confirming did not work, in words; an expired session offers starting again. */
import { Button } from "../components/Button.tsx";
import { ValidationMessage } from "../components/ValidationMessage.tsx";
import { type MessageKey, t } from "../i18n/index.ts";
import { type SubmitError, submitError } from "../models/submit.ts";
import { wipe } from "../models/wipe.ts";

const KEYS: Record<SubmitError, MessageKey> = {
  session: "error.session",
  notEligible: "error.notEligible",
  contactInvalid: "error.contactInvalid",
  notEnrolled: "withdraw.nothing",
  generic: "error.generic",
};

export function SubmitErrorMessage() {
  const error = submitError.value;
  return (
    <ValidationMessage tone={error ? "error" : null} text={error ? t(KEYS[error]) : ""}>
      {error === "session" ? (
        <Button variant="primary" onClick={wipe}>
          {t("nav.finish")}
        </Button>
      ) : null}
    </ValidationMessage>
  );
}
