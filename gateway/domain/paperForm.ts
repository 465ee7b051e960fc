/**
 * A paper consent form (the one on the cooperative's website, dropped into the office mailbox):
 * the same contact rules as the kiosk, the form's date and reference number, and a content hash
 * so the same form written twice is recognised.
 */
import type { ElectronicChannel } from "./categories.ts";
import { checkEmail, checkMobile } from "./contacts.ts";
import { canonicalJson, sha256Hex } from "./registerEvents.ts";

export interface PaperFormFields {
  flatCode: string;
  ownerId: string;
  email?: string;
  mobile?: string;
  channels: ElectronicChannel[];
  /** The date the form was received, YYYY-MM-DD (local date at the cooperative). */
  formDate: string;
  formReference: string;
  enteredBy: string;
}

export interface CheckedPaperForm extends PaperFormFields {
  /** Normalised as the kiosk normalises: lower-case email, E.164 mobile. */
  email?: string;
  mobile?: string;
  contentHash: string;
}

export type PaperFormProblem =
  | { field: "email"; reason: string; suggestion?: string }
  | { field: "mobile"; reason: string }
  | { field: "channels" | "formDate" | "formReference" | "enteredBy"; reason: string };

export type PaperFormCheck =
  | { ok: true; form: CheckedPaperForm; warnings: Array<{ field: "email"; suggestion: string }> }
  | { ok: false; problems: PaperFormProblem[] };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2021-10-04`, also `04.10.2021` as people write it on paper. Returns YYYY-MM-DD or null. */
export function parseFormDate(input: string): string | null {
  const trimmed = input.trim();
  const polish = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(trimmed);
  const iso = polish ? `${polish[3]}-${polish[2].padStart(2, "0")}-${polish[1].padStart(2, "0")}` : trimmed;
  const m = DATE.exec(iso);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === iso ? iso : null;
}

/** `email`, `sms`, `email+sms`, `e-mail, SMS` … → the channels, or null when something is unknown. */
export function parseChannels(input: string): ElectronicChannel[] | null {
  const parts = input
    .toLowerCase()
    .split(/[\s+,;/|]+/)
    .filter(Boolean);
  const out = new Set<ElectronicChannel>();
  for (const part of parts) {
    if (part === "email" || part === "e-mail" || part === "mail") out.add("email");
    else if (part === "sms") out.add("sms");
    else return null;
  }
  return out.size ? (["email", "sms"] as const).filter((c) => out.has(c)) : null;
}

/**
 * Checks a form with the kiosk's rules. A likely typo (gmial.com) is a warning, not an error:
 * the cooperative has been sending to these addresses, so they are used as they stand.
 */
export function checkPaperForm(fields: PaperFormFields, today: string): PaperFormCheck {
  const problems: PaperFormProblem[] = [];
  const warnings: Array<{ field: "email"; suggestion: string }> = [];
  let email: string | undefined;
  let mobile: string | undefined;
  if (fields.email?.trim()) {
    const check = checkEmail(fields.email);
    if (!check.valid)
      problems.push({
        field: "email",
        reason: check.reason ?? "syntax",
        ...(check.suggestion ? { suggestion: check.suggestion } : {}),
      });
    else {
      email = check.normalized;
      if (check.suggestion) warnings.push({ field: "email", suggestion: check.suggestion });
    }
  }
  if (fields.mobile?.trim()) {
    const check = checkMobile(fields.mobile);
    if (!check.valid) problems.push({ field: "mobile", reason: check.reason });
    else mobile = check.e164;
  }
  if (fields.channels.length === 0) problems.push({ field: "channels", reason: "choose email, sms or both" });
  if (fields.channels.includes("email") && !fields.email?.trim()) problems.push({ field: "email", reason: "empty" });
  if (fields.channels.includes("sms") && !fields.mobile?.trim()) problems.push({ field: "mobile", reason: "empty" });
  const formDate = parseFormDate(fields.formDate);
  if (!formDate) problems.push({ field: "formDate", reason: "not a date (YYYY-MM-DD)" });
  else if (formDate > today) problems.push({ field: "formDate", reason: "in the future" });
  const formReference = fields.formReference.trim();
  if (!formReference) problems.push({ field: "formReference", reason: "empty" });
  else if (formReference.length > 60) problems.push({ field: "formReference", reason: "longer than 60 characters" });
  const enteredBy = fields.enteredBy.trim();
  if (!enteredBy) problems.push({ field: "enteredBy", reason: "empty" });
  if (problems.length > 0 || !formDate) return { ok: false, problems };

  const form = {
    flatCode: fields.flatCode.trim(),
    ownerId: fields.ownerId.trim(),
    // Only the contacts of the chosen channels: a mobile without SMS consent is not used.
    ...(fields.channels.includes("email") ? { email } : {}),
    ...(fields.channels.includes("sms") ? { mobile } : {}),
    channels: fields.channels,
    formDate,
    formReference,
  };
  return { ok: true, form: { ...form, enteredBy, contentHash: paperFormHash(form) }, warnings };
}

/** SHA-256 over the canonical JSON of what the form says (not who typed it in). */
export function paperFormHash(form: Omit<PaperFormFields, "enteredBy">): string {
  const { flatCode, ownerId, email, mobile, channels, formDate, formReference } = form;
  return sha256Hex(canonicalJson({ flatCode, ownerId, email, mobile, channels, formDate, formReference }));
}

/** The calendar date (YYYY-MM-DD) of an instant at the cooperative: "today" for form dates. */
export function calendarDate(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}
