/** What the live validation under the email and mobile fields says (pure, so it is easy to test). */
import type { EmailCheck, MobileCheck } from "../api/types.ts";
import type { MessageKey } from "../i18n/index.ts";

export type Feedback =
  | null
  | { tone: "ok"; key: MessageKey }
  | { tone: "error"; key: MessageKey }
  | { tone: "suggest"; key: MessageKey; suggestion: string };

export function emailFeedback(
  value: string,
  check: EmailCheck | null,
  dismissed: boolean,
  attempted: boolean,
): Feedback {
  if (value === "" || !check) return null;
  if (check.suggestion && !dismissed) return { tone: "suggest", key: "email.suggestion", suggestion: check.suggestion };
  if (check.valid) return { tone: "ok", key: "email.valid" };
  // Do not scold half-typed addresses: complain once the domain part is being typed, or on Next.
  if (!attempted && !value.includes("@")) return null;
  if (check.reason === "domain") return { tone: "error", key: "email.domain" };
  if (check.reason === "too_long") return { tone: "error", key: "email.tooLong" };
  return { tone: "error", key: "email.invalid" };
}

const MOBILE_REASONS: Record<string, MessageKey> = {
  too_short: "mobile.tooShort",
  too_long: "mobile.tooLong",
  not_mobile: "mobile.notMobile",
};

export function mobileFeedback(digits: string, check: MobileCheck | null, attempted: boolean): Feedback {
  if (digits === "") return null;
  if (!check) return attempted && digits.length < 9 ? { tone: "error", key: "mobile.tooShort" } : null;
  if (check.valid) return { tone: "ok", key: "mobile.valid" };
  return { tone: "error", key: MOBILE_REASONS[check.reason ?? ""] ?? "mobile.invalid" };
}
