/** What the doctor found, in plain words (Polish first, English below), and how it is printed. */
export type FindingStatus = "ok" | "info" | "warn" | "fail";

export interface Finding {
  /** Stable id, e.g. "modem.device", for scripts and tests. */
  id: string;
  /** The area a technician recognises: "Modem GSM", "Drukarka", ... */
  area: string;
  status: FindingStatus;
  pl: string;
  en: string;
  /** What to do, when something needs a technician. */
  fix?: { pl: string; en: string };
}

export const finding = (
  id: string,
  area: string,
  status: FindingStatus,
  pl: string,
  en: string,
  fix?: { pl: string; en: string },
): Finding => ({ id, area, status, pl, en, ...(fix ? { fix } : {}) });

const LABEL: Record<FindingStatus, string> = { ok: "[ OK ]", info: "[INFO]", warn: "[UWAGA]", fail: "[BŁĄD]" };

export function formatReport(findings: Finding[], header: string): string {
  const lines = [header, ""];
  for (const f of findings) {
    lines.push(`${LABEL[f.status].padEnd(8)}${f.area.padEnd(25)}${f.pl}`);
    lines.push(`${" ".repeat(33)}${f.en}`);
    if (f.fix && f.status !== "ok") {
      lines.push(`${" ".repeat(8)}→ Co zrobić: ${f.fix.pl}`);
      lines.push(`${" ".repeat(8)}→ What to do: ${f.fix.en}`);
    }
  }
  const failed = findings.filter((f) => f.status === "fail").length;
  const warned = findings.filter((f) => f.status === "warn").length;
  lines.push("");
  lines.push(
    failed === 0
      ? `Wynik: wszystko działa${warned ? ` (uwagi: ${warned})` : ""}. / Result: all good${warned ? ` (${warned} notes)` : ""}.`
      : `Wynik: ${failed} ${failed === 1 ? "problem wymaga" : "problemy wymagają"} technika. / Result: ${failed} problem(s) need a technician.`,
  );
  return lines.join("\n");
}

/** Exit code: 1 when anything needs a technician. */
export const exitCodeOf = (findings: Finding[]): number => (findings.some((f) => f.status === "fail") ? 1 : 0);
