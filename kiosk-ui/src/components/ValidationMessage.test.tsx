import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { t } from "../i18n/index.ts";
import { emailFeedback, mobileFeedback } from "../models/feedback.ts";
import { ValidationMessage } from "./ValidationMessage.tsx";

afterEach(cleanup);

function show(feedback: ReturnType<typeof emailFeedback>) {
  render(
    <ValidationMessage
      tone={feedback?.tone ?? null}
      text={feedback ? `${t(feedback.key)}${feedback.tone === "suggest" ? ` ${feedback.suggestion}` : ""}` : ""}
    />,
  );
  return screen.getByRole("status");
}

describe("validation display", () => {
  it("says nothing while a half-typed address has no @ yet", () => {
    const status = show(
      emailFeedback("jan.kow", { valid: false, normalized: "jan.kow", reason: "syntax" }, false, false),
    );
    expect(status.textContent).toBe("");
  });

  it("explains a missing ending once the domain is typed", () => {
    const status = show(
      emailFeedback("jan@wp", { valid: false, normalized: "jan@wp", reason: "domain" }, false, false),
    );
    expect(status.textContent).toContain("Po znaku @ brakuje końcówki");
    expect(status.querySelector("[data-tone]")?.getAttribute("data-tone")).toBe("error");
  });

  it("offers the gateway's 'did you mean' suggestion until the resident dismisses it", () => {
    const check = { valid: true, normalized: "jan@gmial.com", suggestion: "jan@gmail.com" };
    const status = show(emailFeedback("jan@gmial.com", check, false, false));
    expect(status.textContent).toContain("Czy chodziło o: jan@gmail.com");
    cleanup();
    expect(show(emailFeedback("jan@gmial.com", check, true, false)).textContent).toContain("Adres wygląda poprawnie.");
  });

  it("explains why a mobile number is not accepted", () => {
    expect(mobileFeedback("481234567", { valid: false, reason: "not_mobile" }, true)?.key).toBe("mobile.notMobile");
    expect(mobileFeedback("6001", null, true)?.key).toBe("mobile.tooShort");
    expect(mobileFeedback("6001", null, false)).toBeNull();
    expect(show(mobileFeedback("600100200", { valid: true, e164: "+48600100200" }, false)).textContent).toContain(
      "Numer wygląda poprawnie.",
    );
  });
});
