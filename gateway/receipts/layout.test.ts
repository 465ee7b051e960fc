import { describe, expect, it } from "vitest";
import type { SlipDocument } from "../../drivers/printer/slip.ts";
import { validateConfig } from "../config.ts";
import { SAMPLE_INPUT } from "./fixtures.ts";
import { layoutSlip, localDateTime, slipContextOf } from "./layout.ts";
import { buildSignedReceipt } from "./receiptData.ts";

const config = validateConfig({ dataDir: "/tmp/unused" });

function text(doc: SlipDocument): string {
  return doc.blocks
    .map((b) =>
      b.kind === "text" ? b.text : b.kind === "field" ? `${b.label} ${b.value}` : b.kind === "qr" ? "[QR]" : "",
    )
    .join("\n");
}

function slipFor(overrides: Partial<typeof SAMPLE_INPUT>): string {
  const data = buildSignedReceipt({ ...SAMPLE_INPUT, ...overrides }, "K1-000007", config.timezone);
  return text(layoutSlip(data, "EK1.X.", slipContextOf(config, { flatLabel: SAMPLE_INPUT.flatLabel })));
}

function slipWithContacts(overrides: Partial<typeof SAMPLE_INPUT>): string {
  const input = { ...SAMPLE_INPUT, ...overrides };
  const data = buildSignedReceipt(input, "K1-000007", config.timezone);
  const contacts = { email: input.email, mobile: input.mobile };
  return text(layoutSlip(data, "EK1.X.", slipContextOf(config, { flatLabel: SAMPLE_INPUT.flatLabel, contacts })));
}

describe("the slip's wording", () => {
  it("lists categories by channel, the start date, the paper period and what stays on paper", () => {
    const t = slipFor({});
    expect(t).toContain("ZGODA NA KORESPONDENCJĘ ELEKTRONICZNĄ");
    expect(t).toContain(
      "E-mailem: rachunki za wodę, informacje o zmianie opłat, przypomnienia o płatnościach, inna korespondencja.",
    );
    expect(t).toContain(
      "SMS-em: przypomnienia o płatnościach, awarie, przerwy w dostawie mediów, komunikaty o budynku.",
    );
    expect(t).toContain("E-mail/SMS od 16.03.2026. Do 15.03.2026 włącznie korespondencja przychodzi jeszcze pocztą.");
    expect(t).toContain("Pocztą: wezwania do zapłaty.");
    expect(t).toContain("Wersja treści zgody: 2021-08-v1");
    expect(t).toContain("Zgodę można wycofać w każdej chwili");
    expect(t).toContain("Zdarzenie w rejestrze: #42 9f2c4e1ab37d5c60");
    expect(t).toContain("Lokal: ul. Kelecka 10 kl. A m. 12 (KEL10-A-12)");
  });

  it("prints the resident's contacts in full on the resident's own copy", () => {
    const t = slipWithContacts({});
    expect(t).toContain("E-mail: malgorzata.zolkiewska@gmail.com");
    expect(t).toContain("SMS: +48600100200");
    expect(t).not.toContain("***");
  });

  it("keeps letters on paper for a resident who chose SMS only", () => {
    const t = slipFor({ channels: ["sms"], email: null, action: "update" });
    expect(t).toContain("AKTUALIZACJA DANYCH KONTAKTOWYCH");
    expect(t).not.toContain("E-mail:");
    expect(t).toContain(
      "Pocztą: rachunki za wodę, informacje o zmianie opłat, przypomnienia o płatnościach, wezwania do zapłaty, inna korespondencja.",
    );
  });

  it("titles an SMS-only withdrawal as a withdrawal from SMS, and keeps email", () => {
    const t = slipWithContacts({ action: "withdrawal", channels: ["email"], electronicFrom: null });
    expect(t).toContain("REZYGNACJA Z WIADOMOŚCI SMS");
    expect(t).not.toContain("CAŁEJ");
    expect(t).toContain("E-mailem: rachunki za wodę");
    expect(t).toContain(
      "Nie będą wysyłane (są tylko SMS-em): awarie, przerwy w dostawie mediów, komunikaty o budynku.",
    );
  });

  it("titles an email-only withdrawal as a withdrawal from email", () => {
    const t = slipWithContacts({ action: "withdrawal", channels: ["sms"], electronicFrom: null });
    expect(t).toContain("REZYGNACJA Z KORESPONDENCJI E-MAILOWEJ");
    expect(t).toContain(
      "Pocztą: rachunki za wodę, informacje o zmianie opłat, przypomnienia o płatnościach, wezwania do zapłaty, inna korespondencja.",
    );
  });

  it("after withdrawing everything, promises paper only for letters", () => {
    const t = slipFor({ action: "withdrawal", channels: [], email: null, mobile: null, electronicFrom: null });
    expect(t).toContain("REZYGNACJA Z CAŁEJ KORESPONDENCJI ELEKTRONICZNEJ (E-MAIL I SMS)");
    expect(t).not.toContain("Cała korespondencja");
    expect(t).toContain(
      "Pocztą: rachunki za wodę, informacje o zmianie opłat, przypomnienia o płatnościach, wezwania do zapłaty, inna korespondencja.",
    );
    expect(t).toContain(
      "Nie będą wysyłane (są tylko SMS-em): awarie, przerwy w dostawie mediów, komunikaty o budynku.",
    );
    expect(t).not.toContain("Zgodę można wycofać");
  });

  it("carries the resident's language next to the binding Polish text", () => {
    const en = slipFor({ language: "en" });
    expect(en).toContain("ZGODA NA KORESPONDENCJĘ ELEKTRONICZNĄ");
    expect(en).toContain("In English (a translation; the Polish text above is binding):");
    expect(en).toContain("Consent to electronic correspondence");
    expect(en).toContain("By post: payment demands.");
    expect(en).toContain("the “Opt out” button");
    const uk = slipFor({ language: "uk", action: "withdrawal", channels: ["email"], electronicFrom: null });
    expect(uk).toContain("REZYGNACJA Z WIADOMOŚCI SMS");
    expect(uk).toContain("Відмова від SMS");
    expect(uk).toContain("Не надсилатимуться (існують лише як SMS): аварії");
    expect(slipFor({ language: "pl" })).not.toMatch(/translation|переклад/);
  });

  it("prints the time in Warsaw, summer and winter", () => {
    expect(localDateTime("2026-01-15T10:00:00Z", "Europe/Warsaw")).toBe("15.01.2026 11:00");
    expect(localDateTime("2026-07-15T22:30:00Z", "Europe/Warsaw")).toBe("16.07.2026 00:30");
  });
});
