import { describe, expect, it } from "vitest";
import { REASON_CODES } from "./routing.ts";
import { describePaperReason } from "./staffWording.ts";

describe("the paper list's reasons for staff", () => {
  it("says every routing reason in Polish, never as a code", () => {
    for (const code of REASON_CODES) {
      const text = describePaperReason(code);
      expect(text, code).not.toContain(code);
      expect(text, code).not.toMatch(/inny błąd/);
    }
    expect(describePaperReason("grace_period")).toBe("14 dni listów po złożeniu zgłoszenia");
  });

  it("says why an email or SMS fell back to paper, and the notice that carries the office's reason", () => {
    expect(describePaperReason("email_failed: 550 5.1.1 user unknown")).toMatch(
      /^E-mail nie dotarł: adres e-mail nie istnieje/,
    );
    expect(describePaperReason("rejection_reason_by_letter")).toBe("powód odmowy trzeba wysłać listem (brak e-maila)");
  });
});
