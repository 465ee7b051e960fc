/**
 * The paper register (forms collected since 2021) into the consent register: a row-by-row check
 * (the dry run), then one `paper_import` event per form, in the order of the forms' dates.
 * Re-importing the same file changes nothing: a form is known by its reference and content hash.
 * Columns are documented in docs/paper-register.md.
 */
import { eq } from "drizzle-orm";
import { flats, owners, ownershipShares } from "../../db/schema/index.ts";
import type { CoreDeps } from "../deps.ts";
import { surnameKey } from "../domain/eligibility.ts";
import {
  type CheckedPaperForm,
  calendarDate,
  checkPaperForm,
  type PaperFormProblem,
  parseChannels,
} from "../domain/paperForm.ts";
import { KioskError } from "../errors.ts";
import type { ConsentRegister } from "./register.ts";
import { earlierPaperForm, writePaperForm } from "./writePaperForm.ts";

export const PAPER_COLUMNS = [
  "flat",
  "owner",
  "email",
  "mobile",
  "channels",
  "received_on",
  "form_reference",
  "entered_by",
] as const;

export type RowStatus = "ok" | "error" | "duplicate" | "already_imported";

export interface RowReport {
  /** Line number in the file (the header is line 1). */
  line: number;
  reference: string;
  status: RowStatus;
  /** What is wrong or worth knowing, in plain words (no contact data). */
  messages: string[];
}

export interface PaperImportReport {
  rows: RowReport[];
  /** Flats with forms from several co-owners: who becomes the designated recipient. */
  coOwners: Array<{ flat: string; owners: string[]; winner: { line: number; reference: string; owner: string } }>;
  counts: { rows: number; toImport: number; errors: number; duplicates: number; alreadyImported: number };
  /** True when events were written (not a dry run, and no errors or `skipInvalid`). */
  applied: boolean;
  imported: number;
}

export interface PaperImportInput {
  records: Array<Record<string, string>>;
  dryRun: boolean;
  /** Import the valid rows even when others have errors. */
  skipInvalid?: boolean;
  /** Used when a row's entered_by is empty. */
  enteredBy?: string;
  onProgress?: (phase: "checking" | "importing", done: number, total: number) => void;
}

type Deps = CoreDeps & { register: ConsentRegister };
export type Share = { ownerId: string; key: string; fullKey: string; active: boolean };

const CHUNK = 500;

/** Missing columns stop the import before any row is read. */
export function missingColumns(header: string[]): string[] {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  return PAPER_COLUMNS.filter((c) => c !== "email" && c !== "mobile" && c !== "entered_by" && !have.has(c));
}

function describe(problem: PaperFormProblem): string {
  const suggestion =
    "suggestion" in problem && problem.suggestion ? ` (did you mean …@${problem.suggestion.split("@")[1]}?)` : "";
  return `invalid ${problem.field}: ${problem.reason}${suggestion}`;
}

export function loadDirectory(deps: Pick<CoreDeps, "db">) {
  const flatCodes = new Set(
    deps.db
      .select({ code: flats.code })
      .from(flats)
      .all()
      .map((f) => f.code),
  );
  const shares = new Map<string, Share[]>();
  const rows = deps.db
    .select({
      flat: ownershipShares.flatCode,
      ownerId: ownershipShares.ownerId,
      active: ownershipShares.active,
      ownerActive: owners.active,
      firstName: owners.firstName,
      key: owners.surnameKey,
    })
    .from(ownershipShares)
    .innerJoin(owners, eq(owners.id, ownershipShares.ownerId))
    .all();
  for (const r of rows) {
    const list = shares.get(r.flat) ?? [];
    list.push({
      ownerId: r.ownerId,
      key: r.key,
      fullKey: surnameKey(`${r.firstName} ${r.key}`),
      active: r.active && r.ownerActive,
    });
    shares.set(r.flat, list);
  }
  return { flatCodes, shares };
}

/** The owner column holds the office's owner id, a surname, or "first name surname". */
export function resolveOwner(shares: Share[], value: string): { ownerId: string } | { error: string } {
  const byId = shares.find((s) => s.ownerId === value.trim());
  const key = surnameKey(value);
  const matches = byId ? [byId] : shares.filter((s) => s.key === key || s.fullKey === key);
  if (matches.length === 0) return { error: "unknown owner: not an owner or co-owner of this flat" };
  if (matches.length > 1) return { error: "owner is ambiguous: several co-owners match; use the owner id" };
  if (!matches[0].active) return { error: "owner is no longer an owner of this flat" };
  return { ownerId: matches[0].ownerId };
}

export function importPaperRegister(deps: Deps, input: PaperImportInput): PaperImportReport {
  const today = calendarDate(deps.clock.now(), deps.config.timezone);
  const directory = loadDirectory(deps);
  const rows: RowReport[] = [];
  const valid: Array<{ report: RowReport; form: CheckedPaperForm }> = [];
  const byReference = new Map<string, { line: number; hash: string }>();
  const byContent = new Map<string, number>();
  const total = input.records.length;

  input.records.forEach((record, i) => {
    const report: RowReport = { line: i + 2, reference: record.form_reference ?? "", status: "ok", messages: [] };
    rows.push(report);
    const fail = (message: string) => {
      report.status = "error";
      report.messages.push(message);
    };
    const flat = (record.flat ?? "").trim();
    let ownerId = "";
    if (!directory.flatCodes.has(flat)) fail(flat ? "unknown flat" : "flat is empty");
    else {
      const owner = resolveOwner(directory.shares.get(flat) ?? [], record.owner ?? "");
      if ("error" in owner) fail(owner.error);
      else ownerId = owner.ownerId;
    }
    const channels = parseChannels(record.channels ?? "");
    if (!channels) fail("invalid channels: use email, sms or email+sms");
    const check = checkPaperForm(
      {
        flatCode: flat,
        ownerId,
        email: record.email,
        mobile: record.mobile,
        channels: channels ?? [],
        formDate: record.received_on ?? "",
        formReference: record.form_reference ?? "",
        enteredBy: record.entered_by || input.enteredBy || "",
      },
      today,
    );
    if (!check.ok)
      for (const problem of check.problems) if (channels || problem.field !== "channels") fail(describe(problem));
    if (report.status === "error" || !check.ok) {
      input.onProgress?.("checking", i + 1, total);
      return;
    }
    for (const w of check.warnings)
      report.messages.push(`email domain may be a typo (…@${w.suggestion.split("@")[1]}?); used as written`);
    const form = check.form;
    const sameReference = byReference.get(form.formReference);
    const contentKey = JSON.stringify([
      form.flatCode,
      form.ownerId,
      form.email,
      form.mobile,
      form.channels,
      form.formDate,
    ]);
    const sameContent = byContent.get(contentKey);
    if (sameReference && sameReference.hash !== form.contentHash) {
      fail(`reference ${form.formReference} is also used in line ${sameReference.line} for another form`);
    } else if (sameReference) {
      report.status = "duplicate";
      report.messages.push(`duplicate of line ${sameReference.line}; skipped`);
    } else if (sameContent !== undefined) {
      report.status = "duplicate";
      report.messages.push(`same form as line ${sameContent} under another reference; skipped`);
    } else {
      try {
        if (earlierPaperForm(deps.db, form) !== null) {
          report.status = "already_imported";
          report.messages.push("already in the register; skipped");
        }
      } catch (err) {
        if (!(err instanceof KioskError)) throw err;
        fail(`reference ${form.formReference} is already in the register with other content`);
      }
    }
    byReference.set(
      form.formReference,
      byReference.get(form.formReference) ?? { line: report.line, hash: form.contentHash },
    );
    if (sameContent === undefined) byContent.set(contentKey, report.line);
    if (report.status === "ok") valid.push({ report, form });
    input.onProgress?.("checking", i + 1, total);
  });

  // Forms in the order residents filled them in; the latest co-owner's form takes the flat.
  valid.sort((a, b) => a.form.formDate.localeCompare(b.form.formDate) || a.report.line - b.report.line);
  const coOwners = coOwnerNotes(valid);
  const errors = rows.filter((r) => r.status === "error").length;
  const counts = {
    rows: rows.length,
    toImport: valid.length,
    errors,
    duplicates: rows.filter((r) => r.status === "duplicate").length,
    alreadyImported: rows.filter((r) => r.status === "already_imported").length,
  };
  const apply = !input.dryRun && (errors === 0 || input.skipInvalid === true);
  let imported = 0;
  if (apply) {
    for (let start = 0; start < valid.length; start += CHUNK) {
      const chunk = valid.slice(start, start + CHUNK);
      deps.db.transaction((tx) => {
        for (const { form } of chunk) if (writePaperForm(deps, tx, form, "paper_import").written) imported++;
      });
      input.onProgress?.("importing", Math.min(start + CHUNK, valid.length), valid.length);
    }
    deps.logger.info({ imported, rows: rows.length }, "paper register imported");
  }
  return { rows, coOwners, counts, applied: apply, imported };
}

function coOwnerNotes(valid: Array<{ report: RowReport; form: CheckedPaperForm }>): PaperImportReport["coOwners"] {
  const byFlat = new Map<string, Array<{ report: RowReport; form: CheckedPaperForm }>>();
  for (const v of valid) byFlat.set(v.form.flatCode, [...(byFlat.get(v.form.flatCode) ?? []), v]);
  const notes: PaperImportReport["coOwners"] = [];
  for (const [flat, forms] of byFlat) {
    const distinct = [...new Set(forms.map((f) => f.form.ownerId))];
    if (distinct.length < 2) continue;
    const last = forms[forms.length - 1];
    const winner = { line: last.report.line, reference: last.form.formReference, owner: last.form.ownerId };
    notes.push({ flat, owners: distinct, winner });
    for (const f of forms)
      f.report.messages.push(
        f === last
          ? `flat ${flat} has forms from ${distinct.length} co-owners; this latest form makes owner ${winner.owner} the designated recipient`
          : `flat ${flat} has forms from ${distinct.length} co-owners; the later form in line ${winner.line} (${winner.reference}) becomes the designated recipient`,
      );
  }
  return notes;
}
